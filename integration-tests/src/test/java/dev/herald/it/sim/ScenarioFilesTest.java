package dev.herald.it.sim;

import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.simulator.scenario.Scenario;
import dev.herald.simulator.scenario.ScenarioRunner;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every scenario in simulator/scenarios/ runs and all its expectations hold: together they cover the BGPPolicy
 * spec's behaviours as a router sees them (emulated cluster, emulated peers, one Herald agent per node).
 */
class ScenarioFilesTest {
    static final Path SCENARIOS = Path.of(System.getProperty("user.dir")).resolve("../simulator/scenarios")
            .normalize();

    @TempDir
    Path tmp;

    static Stream<Path> scenarios() throws IOException {
        try (Stream<Path> files = Files.list(SCENARIOS)) {
            return files.filter(f -> f.toString().endsWith(".yaml")).sorted().toList().stream();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("scenarios")
    void scenarioHolds(Path file) throws Exception {
        Scenario s = Scenario.parse(Files.readString(file), file.getFileName().toString());
        if (s.needsGobgp()) {
            dev.herald.it.peers.Daemons.assumeInstalled("gobgpd", ScenarioRunner.gobgpdInstalled());
        }
        if (s.frameworkAgents() && System.getProperty("herald.home") == null) {
            // framework agents boot the distribution's bundles, as bin/herald sim does from its own folder
            System.setProperty("herald.home", dev.herald.it.Distribution.built().toString());
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
        ScenarioRunner.Result result;
        try (ScenarioRunner runner = new ScenarioRunner(s, tmp, out, false)) {
            runner.start();
            result = runner.run();
            if (!result.passed()) {
                runner.printTables();
            }
        }
        assertThat(result.passed()).as("%s failed at %s:%n%s", file.getFileName(), result.failedStep(),
                bytes.toString(StandardCharsets.UTF_8)).isTrue();
    }
}
