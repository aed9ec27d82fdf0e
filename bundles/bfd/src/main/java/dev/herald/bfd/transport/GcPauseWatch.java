package dev.herald.bfd.transport;

import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.LongConsumer;
import javax.management.ListenerNotFoundException;
import javax.management.Notification;
import javax.management.NotificationEmitter;
import javax.management.NotificationListener;
import javax.management.openmbean.CompositeData;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hears of the JVM's stop-the-world garbage-collection pauses. A pause stops the BFD thread with every other one: no
 * packet goes out, and a peer whose detection time is shorter takes the session down (docs/bfd.md, "Stalls and
 * garbage collection"). The endpoint uses it to tell the operator, with the figures, instead of leaving flaps
 * unexplained.
 */
final class GcPauseWatch implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(GcPauseWatch.class);
    /** The type of the JDK's notification after each collection (com.sun.management, read without importing it). */
    private static final String GC_NOTIFICATION = "com.sun.management.gc.notification";

    private final List<NotificationEmitter> emitters = new ArrayList<>();
    private final NotificationListener listener;

    /** Calls {@code onPause} with the length in nanoseconds of every stop-the-world pause, on a JDK thread. */
    GcPauseWatch(LongConsumer onPause) {
        this.listener = (Notification n, Object handback) -> {
            if (GC_NOTIFICATION.equals(n.getType()) && n.getUserData() instanceof CompositeData data) {
                Object info = data.get("gcInfo");
                if (info instanceof CompositeData gc && gc.get("duration") instanceof Long ms) {
                    onPause.accept(TimeUnit.MILLISECONDS.toNanos(ms));
                }
            }
        };
        for (GarbageCollectorMXBean bean : ManagementFactory.getGarbageCollectorMXBeans()) {
            if (!pauses(bean.getName())) {
                continue;
            }
            if (bean instanceof NotificationEmitter e) {
                e.addNotificationListener(listener, null, null);
                emitters.add(e);
            }
        }
    }

    /**
     * Whether a collector's reports are pauses: Shenandoah's and ZGC's "Cycles" (and G1's "Concurrent GC") run
     * beside the application; everything else (Serial's "Copy" and "MarkSweepCompact", Parallel's, G1's young and
     * old generation, the "Pauses" of the concurrent ones) stops it.
     */
    static boolean pauses(String collector) {
        return !collector.endsWith("Cycles") && !collector.contains("Concurrent");
    }

    /** Whether this JVM's collector works concurrently (Shenandoah, ZGC): its pauses stay short whatever the heap. */
    static boolean concurrentCollector() {
        for (GarbageCollectorMXBean bean : ManagementFactory.getGarbageCollectorMXBeans()) {
            if (bean.getName().endsWith("Cycles")) {
                return true;
            }
        }
        return false;
    }

    /** The collector's name, for a log line: "Copy, MarkSweepCompact" for the serial one. */
    static String collectorNames() {
        List<String> names = new ArrayList<>();
        for (GarbageCollectorMXBean bean : ManagementFactory.getGarbageCollectorMXBeans()) {
            names.add(bean.getName());
        }
        return String.join(", ", names);
    }

    @Override
    public void close() {
        for (NotificationEmitter e : emitters) {
            try {
                e.removeNotificationListener(listener);
            } catch (ListenerNotFoundException ex) {
                LOG.debug("GC listener already gone from {}", e);
            }
        }
        emitters.clear();
    }
}
