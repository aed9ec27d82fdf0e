package dev.herald.simulator;

import dev.herald.simulator.scenario.Scenario;
import dev.herald.simulator.scenario.ScenarioException;
import dev.herald.simulator.scenario.ScenarioRunner;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code bin/herald sim [scenario.yaml]}: runs a scenario (the built-in one without a file) and prints, per emulated
 * peer, the routes it learned and from which node. Exit code 0 when every expectation held, 1 when one failed,
 * 2 for a scenario that cannot run as written.
 */
@Command(name = "herald sim", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Runs an emulated cluster (a Kubernetes API with watches), emulated BGP peers and one Herald "
                + "agent per emulated node, then walks the scenario's timeline and checks its expectations.",
                "Without a file it runs the built-in scenario: 3 dual-stack nodes, 2 peers (one over IPv4, one over "
                        + "IPv6), Services of each kind, an Egress."})
public final class SimMain implements Callable<Integer> {
    static final String BUILT_IN = "quickstart";

    @Parameters(arity = "0..1", paramLabel = "SCENARIO", description = "a scenario file (YAML; docs/simulator.md)")
    Path file;

    @Option(names = "--keep-running", description = "after the timeline, keep the cluster, peers and agents up "
            + "(for kubectl --kubeconfig ...) until Ctrl-C, and write every request the API server serves to "
            + "api-requests.jsonl beside the kubeconfig")
    boolean keepRunning;

    @Option(names = "--no-tables", description = "do not print the peers' route tables")
    boolean noTables;

    @Option(names = "--generate", paramLabel = "nodes=N,services=N,peers=N[,swaps=1]", description = "write a scale "
            + "scenario of that size to stdout (or --output) instead of running one")
    String generate;

    @Option(names = {"-o", "--output"}, description = "with --generate: the file to write; with --what-if: the "
            + "format, json or yaml (default: tables)")
    Path output;

    @Option(names = "--what-if", paramLabel = "POLICY.yaml", description = "instead of a scenario: read the cluster "
            + "(--kubeconfig) read-only and print what every node would advertise to which peers with this "
            + "BGPPolicy applied, and what would change; nothing is written to the cluster")
    Path whatIf;

    @Option(names = "--kubeconfig", paramLabel = "FILE", description = "with --what-if: the cluster to read "
            + "(default: $KUBECONFIG, else ~/.kube/config)")
    Path kubeconfig;

    @Option(names = "--namespace", paramLabel = "NS", description = "with --what-if: the agents' namespace, where "
            + "the antrea-bgp-passwords Secret is (default: kube-system)")
    String namespace;

    @Option(names = "--work-dir", description = "where the kubeconfig and scratch files go (default: a temporary "
            + "directory)")
    Path workDir;

    private final PrintStream out;

    SimMain(PrintStream out) {
        this.out = out;
    }

    public static void main(String[] args) {
        // the mock API server logs through java.util.logging: route it to the log file, off the console
        org.slf4j.bridge.SLF4JBridgeHandler.removeHandlersForRootLogger();
        org.slf4j.bridge.SLF4JBridgeHandler.install();
        System.exit(run(System.out, args));
    }

    /** Runs the command line; returns the exit code. */
    public static int run(PrintStream out, String... args) {
        return new CommandLine(new SimMain(out)).setCaseInsensitiveEnumValuesAllowed(true).execute(args);
    }

    @Override
    public Integer call() throws Exception {
        if (whatIf != null) {
            return whatIf();
        }
        if (kubeconfig != null || namespace != null) {
            System.err.println("herald sim: --kubeconfig and --namespace go with --what-if");
            return 2;
        }
        if (generate != null) {
            try {
                var sizes = dev.herald.simulator.scenario.ScenarioGenerator.sizes(generate);
                String yaml = dev.herald.simulator.scenario.ScenarioGenerator.generate(sizes.get("nodes"),
                        sizes.get("services"), sizes.get("peers"), sizes.get("swaps") == 1);
                if (output != null) {
                    Files.writeString(output, yaml);
                } else {
                    out.print(yaml);
                }
                return 0;
            } catch (ScenarioException e) {
                System.err.println("herald sim: " + e.getMessage());
                return 2;
            }
        }
        Scenario scenario;
        try {
            scenario = file == null ? builtIn() : Scenario.parse(Files.readString(file, StandardCharsets.UTF_8),
                    file.toString());
        } catch (ScenarioException e) {
            System.err.println("herald sim: " + e.getMessage());
            return 2;
        } catch (IOException e) {
            System.err.println("herald sim: cannot read " + file + ": " + e.getMessage());
            return 2;
        }
        Path dir = workDir != null ? Files.createDirectories(workDir) : Files.createTempDirectory("herald-sim-");
        boolean terminal = System.console() != null && out == System.out;
        try (ScenarioRunner runner = new ScenarioRunner(scenario, dir, out, terminal)) {
            out.println(scenario.description().isEmpty() ? "" : scenario.description());
            runner.start();
            ScenarioRunner.Result result = runner.run();
            if (!noTables) {
                runner.printTables();
            }
            out.println();
            if (result.passed()) {
                out.printf("Scenario %s passed: %d step(s) in %.1f s%n", scenario.name(), scenario.steps().size(),
                        result.elapsed().toMillis() / 1000.0);
            } else {
                out.printf("Scenario %s FAILED at %s%n", scenario.name(), result.failedStep());
            }
            if (keepRunning) {
                Path requests = runner.cluster().kubeconfig().resolveSibling("api-requests.jsonl");
                runner.cluster().writeRequests(requests);
                out.println("Running on; kubectl --kubeconfig " + runner.cluster().kubeconfig()
                        + " get bgppolicies,nodes,services. Ctrl-C stops.");
                out.println("Requests the API server serves (JSON lines: verb, group, resource, namespace, name, "
                        + "userAgent, user, ...): " + requests);
                CountDownLatch forever = new CountDownLatch(1);
                Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                    runner.close();
                    forever.countDown();
                }));
                forever.await();
            }
            return result.passed() ? 0 : 1;
        } catch (ScenarioException e) {
            System.err.println("herald sim: " + e.getMessage());
            return 2;
        }
    }

    private int whatIf() {
        if (file != null || generate != null) {
            System.err.println("herald sim: --what-if runs instead of a scenario: give no scenario file or --generate");
            return 2;
        }
        String format = output == null ? "table" : output.toString();
        return new dev.herald.simulator.whatif.WhatIf(whatIf, kubeconfig, namespace == null ? "kube-system"
                : namespace, format, dev.herald.simulator.whatif.WhatIf.DEFAULT_TIMEOUT).run(out, System.err);
    }

    static Scenario builtIn() throws IOException {
        String name = "/dev/herald/simulator/scenarios/" + BUILT_IN + ".yaml";
        try (InputStream in = SimMain.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IOException("the built-in scenario " + name + " is missing from the simulator's jar");
            }
            return Scenario.parse(new String(in.readAllBytes(), StandardCharsets.UTF_8), "built-in " + BUILT_IN);
        }
    }
}
