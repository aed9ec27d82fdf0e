package dev.herald.bfd.transport;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.EventLoop;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class EventLoopSchedulerTest {
    private final MultiThreadIoEventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());

    @AfterEach
    void close() {
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
    }

    @Test
    void tasksOfOneGridPointRunTogetherFromOneTimerAndCancelledOnesNot() throws Exception {
        EventLoop loop = group.next();
        EventLoopScheduler s = new EventLoopScheduler(loop);
        List<Long> ranAt = new CopyOnWriteArrayList<>();
        CountDownLatch done = new CountDownLatch(1);
        long[] point = new long[1];
        loop.execute(() -> {
            point[0] = EventLoopScheduler.nextGridPoint() + EventLoopScheduler.GRID_NANOS;
            for (int i = 0; i < 50; i++) {
                s.scheduleAt(point[0], () -> ranAt.add(System.nanoTime()));
            }
            s.scheduleAt(point[0], () -> ranAt.add(-1L)).cancel();
            s.scheduleAt(point[0] + EventLoopScheduler.GRID_NANOS, done::countDown);
        });
        assertThat(done.await(5, TimeUnit.SECONDS)).isTrue();
        assertThat(ranAt).hasSize(50).allMatch(t -> t >= point[0]);
        // one timer ran them back to back, not 50 wake-ups
        assertThat(ranAt.get(49) - ranAt.get(0)).isLessThan(TimeUnit.MILLISECONDS.toNanos(2));
    }

    @Test
    void aMomentOffTheGridIsAPlainTimer() throws Exception {
        EventLoop loop = group.next();
        EventLoopScheduler s = new EventLoopScheduler(loop);
        CountDownLatch ran = new CountDownLatch(1);
        long[] at = new long[1];
        long[] when = new long[1];
        loop.execute(() -> {
            at[0] = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(3) + 1;
            s.scheduleAt(at[0], () -> {
                when[0] = System.nanoTime();
                ran.countDown();
            });
        });
        assertThat(ran.await(5, TimeUnit.SECONDS)).isTrue();
        assertThat(when[0]).isGreaterThanOrEqualTo(at[0]);
    }
}
