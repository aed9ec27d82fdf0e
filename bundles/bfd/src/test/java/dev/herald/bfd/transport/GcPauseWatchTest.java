package dev.herald.bfd.transport;

import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.bfd.session.BfdParameters;
import java.time.Duration;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class GcPauseWatchTest {
    @Test
    void aCollectionIsHeardWithItsPause() throws Exception {
        CopyOnWriteArrayList<Long> pauses = new CopyOnWriteArrayList<>();
        try (GcPauseWatch watch = new GcPauseWatch(pauses::add)) {
            // the test JVM's collector (G1 unless told otherwise) runs a stop-the-world full collection for this
            System.gc();
            Await.until(Duration.ofSeconds(10), () -> !pauses.isEmpty(), () -> "no GC notification");
        }
        assertThat(pauses).allMatch(p -> p >= 0);
    }

    @Test
    void concurrentCyclesAreNotPauses() {
        assertThat(GcPauseWatch.pauses("Copy")).isTrue();
        assertThat(GcPauseWatch.pauses("MarkSweepCompact")).isTrue();
        assertThat(GcPauseWatch.pauses("G1 Young Generation")).isTrue();
        assertThat(GcPauseWatch.pauses("Shenandoah Pauses")).isTrue();
        assertThat(GcPauseWatch.pauses("Shenandoah Cycles")).isFalse();
        assertThat(GcPauseWatch.pauses("ZGC Cycles")).isFalse();
        assertThat(GcPauseWatch.pauses("G1 Concurrent GC")).isFalse();
    }

    @Test
    void thePeerWaitsItsMultiplierTimesOurTransmitInterval() {
        BfdParameters p = BfdParameters.singleHop(Duration.ofMillis(50), Duration.ofMillis(300), 3);
        assertThat(StallWarnings.peerWaitNanos(p)).isEqualTo(Duration.ofMillis(150).toNanos());
    }
}
