package dev.herald.bench.soak;

import dev.herald.it.Distribution;
import dev.herald.it.metrics.ScrapedMetrics;
import dev.herald.it.peers.Commands;
import dev.herald.it.peers.TcpConnections;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Makes each {@link FaultKind} happen to the running agent and its routers, with Services churning meanwhile, and
 * keeps the evidence that it did what it says: a socket killed, a NOTIFICATION counted by the agent or reported by
 * the router, the backend's name in the agent's metrics. The API cut-off is {@link ApiCutoff}'s.
 */
final class Faults {
    /** How long a step waits for a fault to take effect (a NOTIFICATION counted, a hold timer run out). */
    private static final Duration TAKES_EFFECT = Duration.ofSeconds(20);

    /**
     * What a fault did.
     *
     * @param endedNanos when it was over ({@link System#nanoTime()}): recovery is measured from here
     * @param lasted how long the fault itself lasted (0 for one that is over at once)
     * @param churn the churn operations made while it lasted
     * @param evidence checked once the routers have converged: null when the fault did what it says, else why not
     */
    record Injected(long endedNanos, Duration lasted, List<String> churn, Check evidence) {
    }

    /** A check run after the fault; null means it passed. */
    @FunctionalInterface
    interface Check {
        String failure() throws IOException, InterruptedException;
    }

    private final BirdPeer bird;
    private final FrrPeer frr;
    private final SoakPolicy policy;
    private final ServiceTable services;
    private final ApiCutoff api;
    private final Path agentHome;
    private final int metricsPort;
    private final int agentPort;
    private final int birdPort;
    private final int frrPort;

    Faults(BirdPeer bird, FrrPeer frr, SoakPolicy policy, ServiceTable services, ApiCutoff api, Path agentHome,
           int metricsPort, int agentPort, int birdPort, int frrPort) {
        this.bird = bird;
        this.frr = frr;
        this.policy = policy;
        this.services = services;
        this.api = api;
        this.agentHome = agentHome;
        this.metricsPort = metricsPort;
        this.agentPort = agentPort;
        this.birdPort = birdPort;
        this.frrPort = frrPort;
    }

    /** Makes the fault happen, with {@code churn} Service changes while it lasts; returns once it is over. */
    Injected run(FaultKind kind, int churn) throws IOException, InterruptedException {
        if (kind == FaultKind.API_CUTOFF) {
            return api.run(churn);
        }
        long t0 = System.nanoTime();
        List<String> churned = new ArrayList<>();
        Check evidence = switch (kind) {
            case BIRD_RESTART -> restart(bird, false, churn, churned);
            case BIRD_CRASH -> restart(bird, true, churn, churned);
            case FRR_RESTART -> restart(frr, false, churn, churned);
            case FRR_CRASH -> restart(frr, true, churn, churned);
            case BIRD_CONNECTION_KILLED -> killConnections(true, false, churn, churned);
            case FRR_CONNECTION_KILLED -> killConnections(false, true, churn, churned);
            case BOTH_CONNECTIONS_KILLED -> killConnections(true, true, churn, churned);
            case BIRD_ADMIN_RESET -> received(bird, 6, 4, () -> bird.daemon().birdc("restart " + BirdPeer.PROTOCOL),
                    null, churn, churned);
            case FRR_ADMIN_RESET -> received(frr, 6, 4, frr::clearSession, null, churn, churned);
            case BIRD_ADMIN_SHUTDOWN -> received(bird, 6, 2,
                    () -> bird.daemon().birdc("disable " + BirdPeer.PROTOCOL),
                    () -> bird.daemon().birdc("enable " + BirdPeer.PROTOCOL), churn, churned);
            case FRR_ADMIN_SHUTDOWN -> received(frr, 6, 2, () -> frr.neighbor("shutdown", false),
                    () -> frr.neighbor("shutdown", true), churn, churned);
            case BIRD_BAD_PEER_AS -> received(bird, 2, 2, () -> bird.expectAgentAs(SoakPolicy.AGENT_ASN + 1),
                    bird::restoreConfig, churn, churned);
            case FRR_BAD_PEER_AS -> received(frr, 2, 2,
                    () -> frr.neighbor("remote-as " + (SoakPolicy.AGENT_ASN + 1), false),
                    () -> frr.neighbor("remote-as " + SoakPolicy.AGENT_ASN, false), churn, churned);
            case BIRD_HOLD_TIMER -> holdTimer(bird, churn, churned);
            case FRR_HOLD_TIMER -> holdTimer(frr, churn, churned);
            case FRR_PEER_CHANGED -> frrPeerChanged(churn, churned);
            case BIRD_PEER_REMOVED -> birdRemoved(churn, churned);
            case SWAP_TO_GOBGP -> swap("gobgp", churn, churned);
            case SWAP_TO_NATIVE -> swap("native", churn, churned);
            case API_CUTOFF -> throw new AssertionError("handled above");
        };
        long ended = System.nanoTime();
        return new Injected(ended, Duration.ofNanos(ended - t0), churned, evidence);
    }

    /** The table the routers must hold now: every Service's addresses and the Pod CIDR. */
    java.util.Set<String> desired() {
        return services.desired();
    }

    private void churn(int n, List<String> churned) {
        for (int i = 0; i < n; i++) {
            churned.add(services.churn());
        }
    }

    private Check restart(SoakPeer peer, boolean crash, int churn, List<String> churned)
            throws IOException, InterruptedException {
        if (crash) {
            Commands.signal(peer.pid(), "KILL");
        }
        churn(churn, churned);
        peer.restart();
        return () -> null; // the new session is the evidence, checked for every fault
    }

    private Check killConnections(boolean toBird, boolean toFrr, int churn, List<String> churned)
            throws IOException, InterruptedException {
        int killed = 0;
        if (toBird) {
            killed += TcpConnections.kill(bird.address(), agentPort, birdPort);
        }
        if (toFrr) {
            killed += TcpConnections.kill(frr.address(), agentPort, frrPort);
        }
        churn(churn, churned);
        int sockets = killed;
        int expected = (toBird ? 1 : 0) + (toFrr ? 1 : 0);
        return () -> sockets >= expected ? null : "killed " + sockets + " sockets, expected " + expected;
    }

    /**
     * A router sends a NOTIFICATION ({@code cause}); when {@code restore} is given the fault lasts until the agent
     * counted it (herald_bgp_notifications_received_total), then {@code restore} undoes the cause.
     */
    private Check received(SoakPeer peer, int code, int subcode, Action cause, Action restore, int churn,
                           List<String> churned) throws IOException, InterruptedException {
        Map<String, String> labels = notification(peer, code, subcode);
        double before = count("herald_bgp_notifications_received_total", labels);
        cause.run();
        churn(churn, churned);
        if (restore != null) {
            boolean counted = awaitCount("herald_bgp_notifications_received_total", labels, before);
            restore.run();
            if (!counted) {
                return () -> "the agent counted no NOTIFICATION " + code + "/" + subcode + " from " + peer.name()
                        + " within " + TAKES_EFFECT;
            }
            return () -> null;
        }
        return () -> count("herald_bgp_notifications_received_total", labels) > before ? null
                : "the agent counted no NOTIFICATION " + code + "/" + subcode + " from " + peer.name();
    }

    /** Freezes the router until the agent's hold timer has run out and it sent Hold Timer Expired, then thaws it. */
    private Check holdTimer(SoakPeer peer, int churn, List<String> churned) throws IOException, InterruptedException {
        Map<String, String> labels = notification(peer, 4, 0);
        double before = count("herald_bgp_notifications_sent_total", labels);
        Commands.signal(peer.pid(), "STOP");
        boolean counted;
        try {
            churn(churn, churned);
            counted = awaitCount("herald_bgp_notifications_sent_total", labels, before);
        } finally {
            Commands.signal(peer.pid(), "CONT");
        }
        return counted ? () -> null : () -> "no Hold Timer Expired sent to " + peer.name() + " within "
                + TAKES_EFFECT;
    }

    /**
     * The agent renews FRR's session for a changed hold time with Cease/Other Configuration Change, which FRR must
     * have processed (its log says so; a connection it took for lost counts none).
     */
    private Check frrPeerChanged(int churn, List<String> churned) throws IOException, InterruptedException {
        long before = frr.notificationsReceived("6/6");
        policy.toggleFrrHoldTime();
        churn(churn, churned);
        return () -> {
            long now = frr.notificationsReceived("6/6");
            return now == before + 1 ? null : "FRR processed " + (now - before) + " Ceases (6/6), not 1; its last "
                    + "reset: " + frr.lastError();
        };
    }

    /** BIRD removed from the policy until BIRD reports the agent's Cease (Peer De-configured), then put back. */
    private Check birdRemoved(int churn, List<String> churned) throws IOException, InterruptedException {
        policy.configureBird(false);
        churn(churn, churned);
        long deadline = System.nanoTime() + TAKES_EFFECT.toNanos();
        String last = "";
        while (System.nanoTime() < deadline) {
            last = bird.lastError();
            if (last.toLowerCase(java.util.Locale.ROOT).contains("de-configured")) {
                break;
            }
            Thread.sleep(50);
        }
        policy.configureBird(true);
        String seen = last;
        return () -> seen.toLowerCase(java.util.Locale.ROOT).contains("de-configured") ? null
                : "BIRD did not report Peer De-configured; its last error: " + seen;
    }

    private Check swap(String to, int churn, List<String> churned) throws IOException {
        Distribution.setting(agentHome, "backend", to);
        churn(churn, churned);
        return () -> count("herald_backend_info", Map.of("backend", to)) == 1 ? null
                : "the agent's metrics do not name backend " + to;
    }

    private static Map<String, String> notification(SoakPeer peer, int code, int subcode) {
        return Map.of("peer", peer.address(), "code", Integer.toString(code), "subcode", Integer.toString(subcode));
    }

    private double count(String metric, Map<String, String> labels) {
        return ScrapedMetrics.scrape(metricsPort).count(metric, labels);
    }

    private boolean awaitCount(String metric, Map<String, String> labels, double before) throws InterruptedException {
        long deadline = System.nanoTime() + TAKES_EFFECT.toNanos();
        while (System.nanoTime() < deadline) {
            if (count(metric, labels) > before) {
                return true;
            }
            Thread.sleep(100);
        }
        return false;
    }

    /** A step of a fault that may run a command. */
    @FunctionalInterface
    interface Action {
        void run() throws IOException, InterruptedException;
    }
}
