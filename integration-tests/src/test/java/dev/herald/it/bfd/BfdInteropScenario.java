package dev.herald.it.bfd;

import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.bfd.packet.BfdState;
import dev.herald.bfd.packet.Diagnostic;
import dev.herald.bfd.session.BfdParameters;
import dev.herald.bfd.session.BfdStateListener;
import dev.herald.bfd.session.StateChange;
import dev.herald.bfd.transport.BfdEndpointConfig;
import dev.herald.bfd.transport.BfdSession;
import dev.herald.bfd.transport.BfdSessions;
import dev.herald.it.peers.BfdPeerDaemon;
import dev.herald.it.peers.NetNamespace;
import java.io.IOException;
import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Herald's BFD endpoint on the root end of a daemon's veth pair, one single-hop session per address family, and the
 * checks both interop tests make: the sessions come up on both sides, a frozen daemon is detected by Herald within
 * multiplier x interval + 50 ms, a frozen Herald is detected by the daemon, and closing sends AdminDown.
 */
final class BfdInteropScenario implements AutoCloseable {
    /** One recorded state change of a Herald session, with when it was reported. */
    record Event(StateChange change, long nanos) {
    }

    static final Duration INTERVAL = Duration.ofMillis(100);
    static final int MULTIPLIER = 3;
    static final Duration COME_UP = Duration.ofSeconds(15);
    /** The bound the brief sets: multiplier x interval + 50 ms. */
    static final long DETECTION_BOUND_MS = MULTIPLIER * INTERVAL.toMillis() + 50;

    final BfdPeerDaemon daemon;
    final BfdSessions herald;
    final BfdSession v4;
    final BfdSession v6;
    final List<Event> v4Events = new CopyOnWriteArrayList<>();
    final List<Event> v6Events = new CopyOnWriteArrayList<>();

    BfdInteropScenario(BfdPeerDaemon daemon) throws IOException {
        this.daemon = daemon;
        NetNamespace ns = daemon.namespace();
        InetAddress host4 = InetAddress.getByName(ns.hostAddress());
        InetAddress host6 = InetAddress.getByName(ns.hostAddress6());
        herald = BfdSessions.open(BfdEndpointConfig.defaults().withListenAddresses(host4, host6));
        BfdParameters p = BfdParameters.singleHop(INTERVAL, INTERVAL, MULTIPLIER);
        v4 = herald.add(InetAddress.getByName(ns.peerAddress()), Optional.of(host4), p, recorder(v4Events));
        v6 = herald.add(InetAddress.getByName(ns.peerAddress6()), Optional.of(host6), p, recorder(v6Events));
    }

    private static BfdStateListener recorder(List<Event> events) {
        return change -> events.add(new Event(change, System.nanoTime()));
    }

    /** Both Herald sessions Up and the daemon showing both Up. */
    void awaitUpOnBothSides() throws Exception {
        await(COME_UP, () -> v4.state() == BfdState.UP && v6.state() == BfdState.UP
                && daemonStates().values().stream().filter("up"::equals).count() == 2, "sessions Up");
    }

    Map<String, String> daemonStates() throws IOException, InterruptedException {
        return daemon.sessionStates();
    }

    /** Freezes the daemon and returns how long after the SIGSTOP each Herald session reported Down (ms). */
    long[] freezeDaemonAndMeasure() throws Exception {
        int before4 = v4Events.size();
        int before6 = v6Events.size();
        long t0 = System.nanoTime();
        daemon.freeze();
        try {
            // the listeners hear of a change just after the state is set: wait for what they heard
            await(Duration.ofSeconds(3), () -> hasDown(v4Events, before4) && hasDown(v6Events, before6),
                    "Herald sees the frozen daemon");
        } finally {
            daemon.thaw();
        }
        Event down4 = firstDown(v4Events, before4);
        Event down6 = firstDown(v6Events, before6);
        assertThat(down4.change().diagnostic()).isEqualTo(Diagnostic.CONTROL_DETECTION_TIME_EXPIRED);
        assertThat(down6.change().diagnostic()).isEqualTo(Diagnostic.CONTROL_DETECTION_TIME_EXPIRED);
        return new long[] {(down4.nanos() - t0) / 1_000_000, (down6.nanos() - t0) / 1_000_000};
    }

    private static boolean hasDown(List<Event> events, int from) {
        return events.subList(from, events.size()).stream().anyMatch(e -> e.change().to() == BfdState.DOWN);
    }

    private static Event firstDown(List<Event> events, int from) {
        return events.subList(from, events.size()).stream().filter(e -> e.change().to() == BfdState.DOWN)
                .findFirst().orElseThrow();
    }

    /**
     * Stops Herald's event loop for {@code freeze} (nothing is sent, as if the process were stopped) and returns
     * when the daemon first showed both sessions down, in ms after the freeze began (polled, so a few ms late).
     */
    long freezeHeraldAndMeasure(Duration freeze) throws Exception {
        long t0 = System.nanoTime();
        herald.eventLoop().execute(() -> {
            try {
                Thread.sleep(freeze.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        await(freeze, () -> daemonStates().values().stream().noneMatch("up"::equals), "the daemon sees Herald down");
        return (System.nanoTime() - t0) / 1_000_000;
    }

    /** Closes Herald's sessions (AdminDown) and waits for the daemon to show them down; returns the ms it took. */
    long closeAndMeasure() throws Exception {
        long t0 = System.nanoTime();
        v4.close();
        v6.close();
        await(Duration.ofSeconds(3), () -> daemonStates().values().stream().noneMatch("up"::equals),
                "the daemon sees the AdminDown");
        return (System.nanoTime() - t0) / 1_000_000;
    }

    @FunctionalInterface
    interface Check {
        boolean ok() throws Exception;
    }

    /** Polls every 10 ms until {@code check} holds; fails with both sides' view after {@code limit}. */
    void await(Duration limit, Check check, String what) throws Exception {
        long deadline = System.nanoTime() + limit.toNanos();
        while (!check.ok()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError(what + " not within " + limit + "; Herald: " + v4 + ", " + v6 + ", events "
                        + v4Events + " " + v6Events + ", discards " + herald.discards() + "\n"
                        + daemon.diagnostics());
            }
            Thread.sleep(10);
        }
    }

    @Override
    public void close() {
        herald.close();
    }
}
