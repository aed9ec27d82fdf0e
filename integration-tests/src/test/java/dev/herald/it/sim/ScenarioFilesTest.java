package dev.herald.it.sim;

import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.simulator.scenario.Scenario;
import dev.herald.support.gobgp.GobgpdBinary;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every scenario in simulator/scenarios/ runs and all its expectations hold: together they cover the BGPPolicy
 * spec's behaviours as a router sees them (emulated cluster, emulated peers, one Herald agent per node). Those with
 * agents in frameworks of their own run in {@link FrameworkScenarioFilesTest}, in another JVM.
 */
class ScenarioFilesTest {
    static final Path SCENARIOS = Path.of(System.getProperty("user.dir")).resolve("../simulator/scenarios")
            .normalize();

    @TempDir
    Path tmp;

    static Stream<Path> scenarios() throws IOException {
        return files(false);
    }

    /** The scenario files whose agents run in-process, or in frameworks of their own. */
    static Stream<Path> files(boolean frameworkAgents) throws IOException {
        try (Stream<Path> files = Files.list(SCENARIOS)) {
            return files.filter(f -> f.toString().endsWith(".yaml")).sorted()
                    .filter(f -> parse(f).frameworkAgents() == frameworkAgents).toList().stream();
        }
    }

    static Scenario parse(Path file) {
        try {
            return Scenario.parse(Files.readString(file), file.getFileName().toString());
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("scenarios")
    void scenarioHolds(Path file) throws Exception {
        holds(file, tmp);
    }

    static void holds(Path file, Path tmp) throws Exception {
        Scenario s = parse(file);
        if (s.needsGobgp()) {
            dev.herald.it.peers.Daemons.assumeInstalled("gobgpd", GobgpdBinary.installed());
        }
        ScenarioRuns.Outcome o = ScenarioRuns.run(s, tmp);
        assertThat(o.passed()).as("%s failed at %s:%n%s", file.getFileName(), o.result().failedStep(), o.report())
                .isTrue();
    }
}
