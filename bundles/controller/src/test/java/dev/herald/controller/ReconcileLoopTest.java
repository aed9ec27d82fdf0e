package dev.herald.controller;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class ReconcileLoopTest {
    @Test
    void backoffDoublesFromFiveSecondsToFiveMinutes() throws Exception {
        try (ReconcileLoop loop = new ReconcileLoop("t", () -> PassResult.DONE, Duration.ofSeconds(5), Duration.ofSeconds(300))) {
            assertThat(loop.backoff(1)).isEqualTo(Duration.ofSeconds(5));
            assertThat(loop.backoff(2)).isEqualTo(Duration.ofSeconds(10));
            assertThat(loop.backoff(6)).isEqualTo(Duration.ofSeconds(160));
            assertThat(loop.backoff(7)).isEqualTo(Duration.ofSeconds(300));
            assertThat(loop.backoff(60)).isEqualTo(Duration.ofSeconds(300));
        }
    }

    @Test
    void aFailedPassIsRetriedAfterTheBackoffAndAChangeDoesNotWaitForIt() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        AtomicInteger failuresLeft = new AtomicInteger(2);
        try (ReconcileLoop loop = new ReconcileLoop("t", () -> {
            calls.incrementAndGet();
            if (failuresLeft.getAndDecrement() > 0) {
                throw new IllegalStateException("not yet");
            }
            return PassResult.DONE;
        }, Duration.ofMillis(200), Duration.ofSeconds(60))) {
            loop.trigger();
            // first pass fails at once, the retry comes 200 ms later and fails, the next would wait 400 ms
            await().atMost(Duration.ofSeconds(2)).until(() -> calls.get() == 2);
            long t0 = System.nanoTime();
            loop.trigger(); // a change: runs now, not after the 400 ms back-off
            await().atMost(Duration.ofSeconds(2)).until(() -> calls.get() == 3);
            assertThat((System.nanoTime() - t0) / 1e6).isLessThan(300);
            assertThat(loop.errors()).isEqualTo(2);
            Thread.sleep(600);
            assertThat(calls.get()).as("no retry after a success").isEqualTo(3);
        }
    }

    @Test
    void aBurstOfTriggersCollapsesIntoFewPasses() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        try (ReconcileLoop loop = new ReconcileLoop("t", () -> {
            calls.incrementAndGet();
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return PassResult.DONE;
        }, Duration.ofSeconds(5), Duration.ofSeconds(300))) {
            for (int i = 0; i < 1000; i++) {
                loop.trigger();
            }
            await().atMost(Duration.ofSeconds(2)).until(() -> loop.passes() >= 1);
            Thread.sleep(200);
            assertThat(calls.get()).isBetween(1, 2);
        }
    }

    @Test
    void aWaitingPassIsRetriedAfterTheInitialBackoffWithoutCountingAnError() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        try (ReconcileLoop loop = new ReconcileLoop("t", () -> calls.incrementAndGet() < 3
                ? PassResult.waiting("a backend") : PassResult.DONE, Duration.ofMillis(100), Duration.ofSeconds(60))) {
            loop.trigger();
            await().atMost(Duration.ofSeconds(2)).until(() -> calls.get() == 3);
            Thread.sleep(300);
            assertThat(calls.get()).as("no retry after a pass that did its work").isEqualTo(3);
            assertThat(loop.errors()).isZero();
        }
    }
}
