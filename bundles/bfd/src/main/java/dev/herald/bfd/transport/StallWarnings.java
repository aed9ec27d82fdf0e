package dev.herald.bfd.transport;

import dev.herald.bfd.packet.BfdState;
import dev.herald.bfd.session.BfdParameters;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tells the operator when garbage collection can take BFD sessions down (docs/bfd.md, "Stalls and garbage
 * collection"): once, when a session with sub-second detection starts in a JVM whose collector stops the world; and
 * whenever a pause outlasted how long the peers of Up sessions wait for a packet (at most once a minute).
 */
final class StallWarnings implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(StallWarnings.class);
    private static final long SUB_SECOND = TimeUnit.SECONDS.toNanos(1);
    private static final long WARN_EVERY = TimeUnit.MINUTES.toNanos(1);

    private final Set<SessionHandle> sessions = ConcurrentHashMap.newKeySet();
    private final AtomicBoolean advised = new AtomicBoolean();
    private final AtomicLong lastWarning = new AtomicLong(System.nanoTime() - WARN_EVERY);
    private final AtomicLong pausesSinceWarning = new AtomicLong();
    private final GcPauseWatch watch;

    StallWarnings() {
        this.watch = new GcPauseWatch(this::paused);
    }

    /**
     * How long the peer waits for our packets before it declares the session down, at the least: our multiplier
     * times our Desired Min TX (longer only when the peer cannot receive that fast).
     */
    static long peerWaitNanos(BfdParameters p) {
        return p.detectMultiplier() * p.desiredMinTxMicros() * 1000;
    }

    void opened(SessionHandle s) {
        sessions.add(s);
        long wait = peerWaitNanos(s.parameters());
        if (wait < SUB_SECOND && !GcPauseWatch.concurrentCollector() && advised.compareAndSet(false, true)) {
            LOG.warn("BFD toward {} detects a failure after {} ms of silence, and this JVM's garbage collector ({}) "
                    + "stops every thread while it runs: with a large route table a pause can last longer and take "
                    + "the BFD sessions down. For detection times under a second, run the agent with a concurrent "
                    + "collector, HERALD_JAVA_OPTS=-XX:+UseShenandoahGC (docs/bfd.md, \"Stalls and garbage "
                    + "collection\")", s.remote().getHostAddress(), TimeUnit.NANOSECONDS.toMillis(wait),
                    GcPauseWatch.collectorNames());
        }
    }

    void closed(SessionHandle s) {
        sessions.remove(s);
    }

    private void paused(long pauseNanos) {
        long hit = 0;
        long shortest = Long.MAX_VALUE;
        for (SessionHandle s : sessions) {
            long wait = peerWaitNanos(s.parameters());
            if (s.state() == BfdState.UP && wait <= pauseNanos) {
                hit++;
                shortest = Math.min(shortest, wait);
            }
        }
        if (hit == 0) {
            return;
        }
        long pauses = pausesSinceWarning.incrementAndGet();
        long now = System.nanoTime();
        long last = lastWarning.get();
        if (now - last >= WARN_EVERY && lastWarning.compareAndSet(last, now)) {
            pausesSinceWarning.set(0);
            LOG.warn("A garbage-collection pause of {} ms stopped BFD for longer than the peers of {} Up session(s) "
                    + "wait (shortest {} ms; {} such pause(s) since the last warning): they may have gone down. Use "
                    + "slower BFD timers or a concurrent collector (docs/bfd.md, \"Stalls and garbage collection\")",
                    TimeUnit.NANOSECONDS.toMillis(pauseNanos), hit, TimeUnit.NANOSECONDS.toMillis(shortest), pauses);
        }
    }

    @Override
    public void close() {
        watch.close();
        sessions.clear();
    }
}
