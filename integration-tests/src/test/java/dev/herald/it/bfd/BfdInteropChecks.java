package dev.herald.it.bfd;

import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.bfd.packet.BfdState;
import java.time.Duration;

/** The two interop scenarios, the same for every daemon; each prints what it measured. */
final class BfdInteropChecks {
    private BfdInteropChecks() {
    }

    /** Up on both sides, stable for a second, then the daemon is frozen: Herald must see it within the bound. */
    static void heraldDetectsAFrozenDaemon(BfdInteropScenario s, String daemon) throws Exception {
        s.awaitUpOnBothSides();
        Thread.sleep(1_000); // the Polls to 100 ms are over; nothing may flap meanwhile
        assertThat(s.v4.state()).isEqualTo(BfdState.UP);
        assertThat(s.v6.state()).isEqualTo(BfdState.UP);
        assertThat(s.v4Events).hasSize(upEvents(s.v4Events));
        long[] ms = s.freezeDaemonAndMeasure();
        report("BFD %s frozen: Herald's sessions Down after %d ms (IPv4), %d ms (IPv6); bound %d ms%n",
                daemon, ms[0], ms[1], BfdInteropScenario.DETECTION_BOUND_MS);
        assertThat(ms[0]).isLessThanOrEqualTo(BfdInteropScenario.DETECTION_BOUND_MS);
        assertThat(ms[1]).isLessThanOrEqualTo(BfdInteropScenario.DETECTION_BOUND_MS);
        // the daemon wakes up and both sides come back
        s.awaitUpOnBothSides();
    }

    /** One line, written at once: printf writes in pieces, and the endpoint's log lines would land in between. */
    private static void report(String format, Object... args) {
        System.out.println(String.format(java.util.Locale.ROOT, format, args).trim());
    }

    /** The first events of a session until Up: Down -> Up or Down -> Init -> Up. */
    private static int upEvents(java.util.List<BfdInteropScenario.Event> events) {
        return events.get(0).change().to() == BfdState.INIT ? 2 : 1;
    }

    /** Up on both sides, then Herald's thread stops: the daemon must see it; then Herald closes with AdminDown. */
    static void daemonDetectsAFrozenHerald(BfdInteropScenario s, String daemon) throws Exception {
        s.awaitUpOnBothSides();
        Thread.sleep(1_000);
        long ms = s.freezeHeraldAndMeasure(Duration.ofSeconds(2));
        report("BFD Herald frozen: %s shows both sessions down after %d ms (polled); detection time %d ms%n",
                daemon, ms, BfdInteropScenario.MULTIPLIER * BfdInteropScenario.INTERVAL.toMillis());
        assertThat(ms).isLessThan(2_000);
        s.awaitUpOnBothSides(); // Herald's thread runs again
        Thread.sleep(500);
        long closed = s.closeAndMeasure();
        report("BFD Herald closed its sessions: %s shows them down after %d ms (polled)%n", daemon, closed);
    }
}
