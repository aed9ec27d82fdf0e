package dev.herald.simulator.peer;

import io.netty.util.concurrent.Future;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The remotes an emulated peer has met, by {@link RemoteId}: finding them, listing their sessions, and waiting for
 * sessions to come up or go down. Written from the peer's event loop, read from any thread.
 */
final class RemoteTable {
    /** The peer's logger, which these lines had before the split: log settings keep applying to them. */
    private static final Logger LOG = LoggerFactory.getLogger(EmulatedPeer.class);
    private final String name;
    private final Map<RemoteId, RemoteSession> remotes;
    private final Object sessionMonitor = new Object();

    RemoteTable(String name, Map<RemoteId, RemoteSession> remotes) {
        this.name = name;
        this.remotes = remotes;
    }

    /** Every remote that has sent it an OPEN, with its session now; {@link SessionInfo#id()} names each. */
    List<SessionInfo> sessions() {
        List<SessionInfo> out = new ArrayList<>();
        for (RemoteSession r : remotes.values()) {
            if (r.asn != 0) {
                out.add(r.info());
            }
        }
        // IPv4 first, then by address, then (on ::1) by router ID
        out.sort((a, b) -> {
            byte[] x = a.remote().getAddress();
            byte[] y = b.remote().getAddress();
            int c = x.length != y.length ? Integer.compare(x.length, y.length) : Arrays.compareUnsigned(x, y);
            return c != 0 ? c : Long.compare(idValue(a.remoteRouterId()), idValue(b.remoteRouterId()));
        });
        return out;
    }

    private static long idValue(String dotted) {
        return dotted.isEmpty() ? -1 : EmulatedPeerConfig.routerId(dotted);
    }

    /** The one remote the selector names, if any. */
    Optional<RemoteSession> one(RemoteId selector) {
        List<RemoteSession> found = remotes.values().stream().filter(r -> r.asn != 0 && selector.matches(r.address,
                r.routerId)).toList();
        if (found.size() > 1) {
            throw new IllegalArgumentException("emulated peer " + name + " has " + found.size() + " remotes at "
                    + selector + " (router IDs " + found.stream().map(r -> r.routerId).sorted().toList()
                    + "): name one by its router ID");
        }
        return found.stream().findFirst();
    }

    /** Waits until at least {@code count} sessions are Established; false when {@code timeout} passed first. */
    boolean awaitEstablished(int count, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (sessionMonitor) {
            while (establishedCount() < count) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                TimeUnit.NANOSECONDS.timedWait(sessionMonitor, left);
            }
            return true;
        }
    }

    private int establishedCount() {
        int n = 0;
        for (RemoteSession r : remotes.values()) {
            n += r.sessionUp ? 1 : 0;
        }
        return n;
    }

    /** Waits (at most 3 s) until every session is down. */
    void awaitDown(List<Future<?>> stopping) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(3);
        for (Future<?> f : stopping) {
            f.awaitUninterruptibly(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        }
        synchronized (sessionMonitor) {
            while (establishedCount() > 0) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    LOG.warn("Emulated peer {}: {} sessions still up 3 s after closing", name, establishedCount());
                    return;
                }
                try {
                    TimeUnit.NANOSECONDS.timedWait(sessionMonitor, left);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    /** A session came up or went down. */
    void signal() {
        synchronized (sessionMonitor) {
            sessionMonitor.notifyAll();
        }
    }
}
