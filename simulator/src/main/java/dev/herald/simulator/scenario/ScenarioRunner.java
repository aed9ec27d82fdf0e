package dev.herald.simulator.scenario;

import dev.herald.simulator.agent.Agent;
import dev.herald.simulator.agent.FrameworkAgent;
import dev.herald.simulator.cluster.EmulatedCluster;
import dev.herald.simulator.peer.EmulatedPeer;
import dev.herald.simulator.scenario.Scenario.ApiServer;
import dev.herald.simulator.scenario.Scenario.Apply;
import dev.herald.simulator.scenario.Scenario.Delete;
import dev.herald.simulator.scenario.Scenario.Expect;
import dev.herald.simulator.scenario.Scenario.ExpectCondition;
import dev.herald.simulator.scenario.Scenario.ExpectCount;
import dev.herald.simulator.scenario.Scenario.ExpectEstablished;
import dev.herald.simulator.scenario.Scenario.ExpectEvent;
import dev.herald.simulator.scenario.Scenario.ExpectHistory;
import dev.herald.simulator.scenario.Scenario.Fault;
import dev.herald.simulator.scenario.Scenario.Generate;
import dev.herald.simulator.scenario.Scenario.Label;
import dev.herald.simulator.scenario.Scenario.Sleep;
import dev.herald.simulator.scenario.Scenario.Step;
import dev.herald.simulator.scenario.Scenario.Swap;
import dev.herald.simulator.scenario.Scenario.Terminate;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/**
 * Runs a scenario: brings up its {@link ScenarioEnvironment} (the emulated cluster, the emulated peers and one Herald
 * agent per node, with the starting objects applied), then walks the timeline. Stops at the first expectation that
 * fails and says what was seen instead. Everything it started is closed by {@link #close()}.
 */
public final class ScenarioRunner implements AutoCloseable {
    /** The outcome: passed, or the failed step and what was seen; plus how long the run took. */
    public record Result(boolean passed, String failedStep, String message, Duration elapsed) {
    }

    private final Scenario scenario;
    private final PrintStream out;
    private final ScenarioEnvironment env;
    private final Poller poller;
    private final RouteChecks routeChecks;
    private final PeerHistory history;
    private final FaultStep faults;
    private ClusterChecks checks;

    /**
     * @param out where step lines and tables go
     * @param progress print a progress line while waiting (for a terminal)
     */
    public ScenarioRunner(Scenario scenario, Path workDir, PrintStream out, boolean progress) {
        this.scenario = scenario;
        this.out = out;
        this.env = new ScenarioEnvironment(scenario, workDir, out);
        this.poller = new Poller(out, progress);
        this.routeChecks = new RouteChecks(env);
        this.history = new PeerHistory(env);
        this.faults = new FaultStep(env, history, poller);
    }

    public EmulatedCluster cluster() {
        return env.cluster();
    }

    public Map<String, EmulatedPeer> peers() {
        return env.peers();
    }

    public Map<String, Agent> agents() {
        return env.agents();
    }

    /** Starts everything: cluster, peers, objects, agents (none with {@code agents: none}). */
    public void start() throws IOException {
        env.start();
        checks = new ClusterChecks(env.cluster());
        if (scenario.frameworkAgents() && !scenario.noAgents()) {
            history.markAll();
        }
    }

    /** Walks the timeline; returns at the first failed expectation. */
    public Result run() {
        long t0 = System.nanoTime();
        for (Step s : scenario.steps()) {
            String failure;
            long s0 = System.nanoTime();
            try {
                failure = execute(s);
            } catch (RuntimeException e) {
                failure = e.getClass().getSimpleName() + ": " + e.getMessage();
            }
            Duration took = Duration.ofNanos(System.nanoTime() - s0);
            poller.clearProgress();
            String description = StepDescriptions.describe(s);
            if (failure != null) {
                out.printf("FAIL %s %s%n%s%n", s.where(), description, StepDescriptions.indent(failure));
                return new Result(false, s.where() + " " + description, failure,
                        Duration.ofNanos(System.nanoTime() - t0));
            }
            out.printf("ok   %s %s (%s)%n", s.where(), description, StepDescriptions.seconds(took));
        }
        return new Result(true, null, null, Duration.ofNanos(System.nanoTime() - t0));
    }

    /** Does the step; returns null when it passed, else what was seen instead. */
    private String execute(Step s) {
        EmulatedCluster cluster = env.cluster();
        if (s instanceof Apply a) {
            cluster.apply(a.yaml());
            return null;
        }
        if (s instanceof Generate g) {
            cluster.apply(GeneratedObject.json(g));
            return null;
        }
        if (s instanceof Delete d) {
            return cluster.delete(d.kind(), d.namespace(), d.name()) ? null
                    : d.kind() + " " + d.name() + " does not exist";
        }
        if (s instanceof Terminate t) {
            cluster.terminate(t.namespace(), t.pod());
            return null;
        }
        if (s instanceof Label l) {
            cluster.label(l.node(), l.labels());
            return null;
        }
        if (s instanceof ApiServer a) {
            if (a.up()) {
                cluster.reconnectAgents();
            } else {
                cluster.cutAgentsOff();
            }
            return null;
        }
        if (s instanceof Sleep sl) {
            Poller.sleep(sl.duration());
            return null;
        }
        if (s instanceof Fault f) {
            return faults.run(f);
        }
        if (s instanceof Swap w) {
            return swap(w);
        }
        return expect(s);
    }

    /** Waits for an expectation step. */
    private String expect(Step s) {
        if (s instanceof Expect e) {
            return poller.await(e.within(), () -> routeChecks.routes(e), () -> routeChecks.routesProgress(e));
        }
        if (s instanceof ExpectCount c) {
            return poller.await(c.within(), () -> routeChecks.count(c), () -> routeChecks.countProgress(c));
        }
        if (s instanceof ExpectCondition c) {
            return poller.await(c.within(), () -> checks.condition(c), () -> "waiting for the condition");
        }
        if (s instanceof ExpectEvent e) {
            return poller.await(e.within(), () -> checks.event(e), () -> "waiting for the Event");
        }
        if (s instanceof ExpectEstablished e) {
            return poller.await(e.within(), () -> routeChecks.established(e), () -> "waiting for sessions");
        }
        if (s instanceof ExpectHistory h) {
            return poller.await(h.within(), () -> history.check(h), () -> "waiting for the sessions");
        }
        throw new IllegalStateException("unknown step " + s);
    }

    /** Replaces a part of the framework agents, as an operator would; a new history starts first. */
    private String swap(Swap w) {
        history.markAll();
        for (FrameworkAgent a : env.frameworkAgents(w.node())) {
            try {
                switch (w.action()) {
                    case UPDATE -> a.update(w.target());
                    case UNINSTALL -> a.uninstall(w.target());
                    case INSTALL -> a.install(w.target());
                    case BACKEND -> a.backend(w.target());
                    default -> throw new IllegalStateException(String.valueOf(w.action()));
                }
            } catch (Exception e) {
                return "agent " + a.node() + ": " + w.action() + " " + w.target() + " failed: " + e.getMessage();
            }
        }
        return null;
    }

    /** Per peer, the routes it holds and from which nodes, as a table. */
    public void printTables() {
        RouteTables.print(env, out);
    }

    @Override
    public void close() {
        env.close();
    }
}
