package dev.herald.bench.soak;

import java.io.IOException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Waits until every router holds exactly the desired table, and says how long each took. */
final class Convergence {
    private static final long POLL_MILLIS = 100;

    /**
     * How long each router took, from {@code fromNanos} ({@link System#nanoTime()}), and for those that did not get
     * there within the limit what was still wrong.
     */
    record Result(Map<SoakPeer, Duration> times, Map<SoakPeer, String> missing) {
        boolean converged() {
            return missing.isEmpty();
        }

        /** The slowest router's time; null when one did not converge. */
        Duration slowest() {
            return converged() ? times.values().stream().max(Duration::compareTo).orElse(Duration.ZERO) : null;
        }
    }

    private Convergence() {
    }

    /** Polls each router (every 100 ms) until its table is exactly {@code desired} or {@code limit} has passed. */
    static Result await(List<SoakPeer> peers, Set<String> desired, long fromNanos, Duration limit)
            throws InterruptedException {
        return await(peers, desired, Map.of(), fromNanos, limit);
    }

    /**
     * {@link #await(List, Set, long, Duration)}, where each router of {@code renewedFrom} must also have another
     * session than the one given ({@link SoakPeer#session()} before a fault that resets it): until the reset has
     * happened, the old session's complete table does not count.
     */
    static Result await(List<SoakPeer> peers, Set<String> desired, Map<SoakPeer, String> renewedFrom,
                        long fromNanos, Duration limit) throws InterruptedException {
        Map<SoakPeer, Duration> times = new LinkedHashMap<>();
        Map<SoakPeer, String> missing = new LinkedHashMap<>();
        peers.forEach(p -> missing.put(p, "not checked yet"));
        long deadline = fromNanos + limit.toNanos();
        while (true) {
            for (SoakPeer p : peers) {
                if (times.containsKey(p)) {
                    continue;
                }
                String why;
                try {
                    String old = renewedFrom.get(p);
                    why = old != null && p.session().equals(old) ? "session not renewed yet" : p.mismatch(desired);
                } catch (IOException e) {
                    why = "cannot read its table: " + e.getMessage();
                }
                if (why == null) {
                    times.put(p, Duration.ofNanos(System.nanoTime() - fromNanos));
                    missing.remove(p);
                } else {
                    missing.put(p, why);
                }
            }
            if (missing.isEmpty() || System.nanoTime() > deadline) {
                return new Result(times, missing);
            }
            Thread.sleep(POLL_MILLIS);
        }
    }
}
