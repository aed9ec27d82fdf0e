package dev.herald.bench.soak;

import java.io.IOException;
import java.util.Set;

/**
 * A real router peering with the agent under soak, seen from the router's side: which session it has (so a reset
 * can be told from none) and whether its table is exactly what the agent should advertise.
 */
interface SoakPeer {
    /** What the soak prints: {@code BIRD}, {@code FRR}. */
    String name();

    /** The router's address as the agent's BGPPolicy and metrics name it. */
    String address();

    /**
     * Which session the router has now, as a token that changes whenever a new session is established (and not
     * otherwise); the state is part of it, so a session that is down reads differently from any that is up.
     */
    String session() throws IOException, InterruptedException;

    /** Whether the router has an Established session now. */
    boolean established() throws IOException, InterruptedException;

    /**
     * Why the router's table is not exactly {@code desired} now (not Established, a count, missing or extra
     * prefixes, stale paths), or null when it is. Cheap while the route count is off; reads the whole table only
     * once the count matches.
     */
    String mismatch(Set<String> desired) throws IOException, InterruptedException;

    /** Why the router last closed or lost the session, as it says it: the evidence for NOTIFICATIONs it got. */
    String lastError() throws IOException, InterruptedException;

    /** The process id, for SIGSTOP and SIGKILL. */
    long pid();

    /** Stops the router (SIGTERM) and starts it again with its config file. */
    void restart() throws IOException, InterruptedException;

    /** State and log excerpts for a failed check. */
    String diagnostics();

    /** Some elements of a set, for messages about thousands of prefixes. */
    static String sample(Set<String> s) {
        return s.stream().sorted().limit(5).toList() + (s.size() > 5 ? " ..." : "");
    }

    /** The usual way of saying how a table differs: counts, then a few of the prefixes that differ. */
    static String difference(Set<String> have, Set<String> desired) {
        if (have.equals(desired)) {
            return null;
        }
        Set<String> missing = new java.util.TreeSet<>(desired);
        missing.removeAll(have);
        Set<String> extra = new java.util.TreeSet<>(have);
        extra.removeAll(desired);
        return have.size() + " of " + desired.size() + " prefixes; missing " + missing.size() + " " + sample(missing)
                + ", extra " + extra.size() + " " + sample(extra);
    }
}
