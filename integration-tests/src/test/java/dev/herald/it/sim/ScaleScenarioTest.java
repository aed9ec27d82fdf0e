package dev.herald.it.sim;

import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.simulator.scenario.Scenario;
import dev.herald.simulator.scenario.ScenarioGenerator;
import dev.herald.simulator.scenario.ScenarioRunner;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The scale scenarios in CI. Issue 6: 100 nodes with an agent each, 5,000 Services (500 of them LoadBalancers with
 * externalTrafficPolicy Local), 2 peers; every peer must end up with exactly 5,600 prefixes and 500,600 routes.
 * Issue 7: 4 agents in their own frameworks advertising 10,008 routes to a peer with graceful restart while the
 * controller, kube, service source and native backend bundles are updated; nothing may be withdrawn. The times are
 * figures for docs/performance.md, not assertions here.
 */
class ScaleScenarioTest {
    @TempDir
    Path tmp;

    @Test
    void aHundredNodesAndFiveThousandServicesConverge() throws Exception {
        Scenario s = Scenario.parse(ScenarioGenerator.generate(100, 5000, 2), "generated");
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
        ScenarioRunner.Result result;
        try (ScenarioRunner runner = new ScenarioRunner(s, tmp, out, false)) {
            runner.start();
            result = runner.run();
        }
        String report = bytes.toString(StandardCharsets.UTF_8);
        System.out.println(report);
        assertThat(result.passed()).as(report).isTrue();
    }

    @Test
    void tenThousandRoutesSurviveEveryBundleUpdate() throws Exception {
        if (System.getProperty("herald.home") == null) {
            System.setProperty("herald.home", dev.herald.it.Distribution.built().toString());
        }
        Scenario s = Scenario.parse(ScenarioGenerator.generate(4, 2440, 1, true), "generated");
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
        ScenarioRunner.Result result;
        try (ScenarioRunner runner = new ScenarioRunner(s, tmp, out, false)) {
            runner.start();
            result = runner.run();
        }
        String report = bytes.toString(StandardCharsets.UTF_8);
        System.out.println(report);
        assertThat(report).contains("holds 2688 prefixes, 10008 routes");
        assertThat(result.passed()).as(report).isTrue();
    }
}
