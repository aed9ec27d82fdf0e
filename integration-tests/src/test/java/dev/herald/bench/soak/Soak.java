package dev.herald.bench.soak;

import dev.herald.it.AgentProcess;
import dev.herald.it.Distribution;
import dev.herald.it.kube.MockCluster;
import dev.herald.it.peers.BirdDaemon;
import dev.herald.it.peers.Commands;
import dev.herald.it.peers.Daemons;
import dev.herald.it.peers.FrrDaemon;
import dev.herald.it.peers.TcpConnections;
import dev.herald.support.gobgp.GobgpdBinary;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The soak under faults, run by {@code dev.herald.bench.SoakBenchmark}: sets up the cluster, the two routers and
 * the agent, makes faults as the {@link Schedule} says until the time is up, checks each one, reads the agent's
 * process after the first minute, every minute and at the end, and reports.
 */
public final class Soak {
    static final String POD_CIDR = "10.244.1.0/24";
    /** 100 Services of 100 external IPs: 10,000 routes, and the Pod CIDR. */
    static final int SERVICES = 100;
    /** After every fault, each router's table must be exactly the desired one within this. */
    static final Duration RECOVERY_LIMIT = Duration.ofSeconds(10);
    /** Past this, the soak stops: the agent did not recover at all. */
    private static final Duration GIVE_UP = Duration.ofSeconds(60);
    private static final Duration TREND_EVERY = Duration.ofMinutes(1);
    /** What the container image runs the agent with (deploy/container/Containerfile), heap as in 256 MiB. */
    private static final Map<String, String> AGENT_ENV = Map.of("HERALD_JAVA_OPTS", "-Xmx128m -XX:NewRatio=5 "
            + "-XX:TieredStopAtLevel=1 -XX:ReservedCodeCacheSize=32m", "MALLOC_ARENA_MAX", "2");

    private final Duration length;
    private final PrintStream out;
    private final SoakReport report;

    public Soak(Duration length, PrintStream out) {
        this.length = length;
        this.out = out;
        this.report = new SoakReport(out);
    }

    /** Runs the whole soak; true when every check passed. */
    public boolean run() throws Exception {
        requireTools();
        Path work = Files.createTempDirectory("herald-soak");
        int agentPort = Daemons.freePort();
        int birdPort = Daemons.freePort();
        int frrPort = Daemons.freePort();
        int metricsPort = Daemons.freePort();
        boolean passed;
        try (MockCluster cluster = new MockCluster(work.resolve("cluster"));
             FrrPeer frr = FrrPeer.start(work.resolve("frr"), frrPort, agentPort, SoakPolicy.AGENT_ASN);
             BirdPeer bird = BirdPeer.start(work.resolve("bird"), birdPort, agentPort, SoakPolicy.AGENT_ASN)) {
            SoakPolicy policy = new SoakPolicy(cluster, agentPort, bird.address(), birdPort, frr.address(), frrPort);
            ServiceTable services = new ServiceTable(cluster, POD_CIDR);
            policy.create(POD_CIDR);
            services.create(SERVICES);
            Path home = Distribution.copy(work, "herald");
            Distribution.connect(home, cluster, SoakPolicy.NODE);
            Distribution.setting(home, "metrics.address", "127.0.0.1:" + metricsPort);
            List<SoakPeer> peers = List.of(bird, frr);
            try (AgentProcess agent = AgentProcess.start(home, AGENT_ENV)) {
                out.printf("Soak for %s: agent %s (pid %d), BIRD %s, FRR %s in a network namespace; %d routes; "
                        + "work folder %s%n", SoakReport.seconds(length), home, agent.process.pid(), bird.address(),
                        frr.address(), services.desired().size(), work);
                agent.awaitReady(Duration.ofSeconds(120));
                long t0 = System.nanoTime();
                Convergence.Result first = Convergence.await(peers, services.desired(), t0, Duration.ofSeconds(120));
                if (!first.converged()) {
                    throw new IllegalStateException("the initial table never reached the routers: "
                            + first.missing() + "\n" + diagnostics(peers, home));
                }
                out.printf("Initial table at both routers %s after the agent was ready%n",
                        SoakReport.seconds(first.slowest()));
                ApiCutoff api = new ApiCutoff(cluster, services, policy, peers, metricsPort, RECOVERY_LIMIT);
                Faults faults = new Faults(bird, frr, policy, services, api, home, metricsPort, agentPort, birdPort,
                        frrPort);
                loop(faults, peers, new LeakProbe(agent.process.pid(), metricsPort), agent, home);
                if (agent.process.isAlive()) {
                    int exit = agent.terminate(Duration.ofSeconds(10));
                    if (exit != 0) {
                        report.fail("the agent exited " + exit + " after SIGTERM");
                    }
                }
                passed = report.summary(length, services.replacements() + services.modifications(),
                        api.watchesBack(), minimums());
            }
        }
        out.println(passed ? "Work folder removed." : "Logs kept in " + work);
        if (passed) {
            dev.herald.it.Folders.deleteTree(work);
        }
        return passed;
    }

    private void loop(Faults faults, List<SoakPeer> peers, LeakProbe probe, AgentProcess agent, Path home)
            throws Exception {
        Schedule schedule = new Schedule(length);
        Duration baselineAt = min(Duration.ofMinutes(1), length.dividedBy(2));
        Duration nextTrend = null;
        long start = System.nanoTime();
        int n = 0;
        while (elapsed(start).compareTo(length) < 0 || schedule.awayFromNative()) {
            FaultKind kind = schedule.next(elapsed(start));
            try {
                if (!step(++n, kind, faults, peers, start, home)) {
                    return;
                }
            } catch (Exception e) {
                report.fail("stopped: #" + n + " " + kind.label() + " threw " + e);
                e.printStackTrace(out);
                out.println(diagnostics(peers, home));
                return;
            }
            if (!agent.process.isAlive()) {
                report.fail("the agent process died (exit " + agent.process.exitValue() + ")");
                return;
            }
            Duration now = elapsed(start);
            if (schedule.awayFromNative() || now.compareTo(length) >= 0) {
                continue;
            }
            boolean warm = report.count(FaultKind.Category.API_CUTOFF) > 0
                    && report.count(FaultKind.Category.BACKEND_SWAP) >= 2;
            if (nextTrend == null && warm && now.compareTo(baselineAt) >= 0) {
                report.baseline(quietReading(probe, start));
                nextTrend = elapsed(start).plus(TREND_EVERY);
            } else if (nextTrend != null && now.compareTo(nextTrend) >= 0) {
                report.reading("reading", quietReading(probe, start));
                nextTrend = nextTrend.plus(TREND_EVERY);
            }
        }
        report.end(quietReading(probe, start));
    }

    /** One fault, its recovery and its checks; false when the agent did not recover at all (the soak stops). */
    private boolean step(int n, FaultKind kind, Faults faults, List<SoakPeer> peers, long start, Path home)
            throws Exception {
        double at = elapsed(start).toMillis() / 1000.0;
        Map<SoakPeer, String> before = new LinkedHashMap<>();
        for (SoakPeer p : peers) {
            before.put(p, p.session());
        }
        Faults.Injected f = faults.run(kind, kind == FaultKind.API_CUTOFF ? 3 : 1);
        Map<SoakPeer, String> renewed = new LinkedHashMap<>();
        for (SoakPeer p : peers) {
            if (resets(kind, p)) {
                renewed.put(p, before.get(p));
            }
        }
        Set<String> desired = faults.desired();
        Convergence.Result r = Convergence.await(peers, desired, renewed, f.endedNanos(), GIVE_UP);
        List<String> failures = new ArrayList<>();
        Map<String, Duration> recovery = new LinkedHashMap<>();
        boolean[] reset = new boolean[peers.size()];
        for (int i = 0; i < peers.size(); i++) {
            SoakPeer p = peers.get(i);
            Duration d = r.times().get(p);
            recovery.put(p.name(), d);
            if (d == null) {
                failures.add(p.name() + " still differs after " + SoakReport.seconds(GIVE_UP) + ": "
                        + r.missing().get(p));
            } else if (d.compareTo(RECOVERY_LIMIT) > 0) {
                failures.add(p.name() + " took " + SoakReport.seconds(d) + ", over " + SoakReport.seconds(
                        RECOVERY_LIMIT));
            }
            String after = p.session();
            reset[i] = !after.equals(before.get(p));
            if (reset[i] && !resets(kind, p)) {
                failures.add(p.name() + "'s session was reset, which this fault must not do (" + before.get(p)
                        + " -> " + after + ")");
            }
        }
        if (r.converged()) {
            String evidence = f.evidence().failure();
            if (evidence != null) {
                failures.add(evidence);
            }
        }
        report.step(new SoakReport.Step(n, at, kind, f.lasted(), recovery, reset[0], reset[1], f.churn().size(),
                failures));
        if (!r.converged()) {
            out.println(diagnostics(peers, home));
            report.fail("stopped: the routers did not converge within " + SoakReport.seconds(GIVE_UP));
            return false;
        }
        return true;
    }

    private static boolean resets(FaultKind kind, SoakPeer p) {
        return p instanceof BirdPeer ? kind.target.bird : kind.target.frr;
    }

    /** A reading after the agent had two quiet seconds (no fault, no churn, every session up). */
    private static LeakProbe.Reading quietReading(LeakProbe probe, long start) throws Exception {
        Thread.sleep(2000);
        return probe.read(elapsed(start).toMillis() / 1000.0);
    }

    /** What a run of this length must at least have done: issue 17's figures for 10 minutes, pro rata below. */
    private Map<String, Long> minimums() {
        double minutes = length.toMillis() / 60_000.0;
        Map<String, Long> m = new LinkedHashMap<>();
        m.put("session resets", (long) Math.ceil(10 * minutes));
        m.put("API server cut-offs", Math.max(1, (long) Math.floor(minutes / 2)));
        m.put("backend swaps", 2L);
        m.put("Service churn operations", 1L);
        return m;
    }

    private static String diagnostics(List<SoakPeer> peers, Path home) {
        StringBuilder b = new StringBuilder();
        peers.forEach(p -> b.append("--- ").append(p.name()).append(" ---\n").append(p.diagnostics()).append('\n'));
        b.append("--- agent log (end) ---\n").append(Commands.tail(home.resolve("log/herald.log"), 80));
        return b.toString();
    }

    private static void requireTools() {
        List<String> missing = new ArrayList<>();
        if (!BirdDaemon.installed()) {
            missing.add("bird2");
        }
        if (!FrrDaemon.installed()) {
            missing.add("frr");
        }
        if (!GobgpdBinary.installed()) {
            missing.add("gobgpd");
        }
        if (!TcpConnections.available()) {
            missing.add("root and ss (iproute2)");
        }
        if (!missing.isEmpty()) {
            throw new IllegalStateException("the soak needs " + String.join(", ", missing));
        }
    }

    private static Duration elapsed(long start) {
        return Duration.ofNanos(System.nanoTime() - start);
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) < 0 ? a : b;
    }
}
