package dev.herald.it.sim;

import dev.herald.simulator.scenario.Scenario;
import dev.herald.simulator.scenario.ScenarioRunner;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/** Runs a scenario as {@code bin/herald sim} would and keeps what it printed, for the assertion's message. */
final class ScenarioRuns {
    private ScenarioRuns() {
    }

    record Outcome(ScenarioRunner.Result result, String report) {
        boolean passed() {
            return result.passed();
        }
    }

    static Outcome run(Scenario s, Path workDir) throws IOException {
        if (s.frameworkAgents() && System.getProperty("herald.home") == null) {
            // framework agents boot the distribution's bundles, as bin/herald sim does from its own folder
            System.setProperty("herald.home", dev.herald.it.Distribution.built().toString());
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
        ScenarioRunner.Result result;
        try (ScenarioRunner runner = new ScenarioRunner(s, workDir, out, false)) {
            runner.start();
            result = runner.run();
            if (!result.passed()) {
                runner.printTables();
            }
        }
        return new Outcome(result, bytes.toString(StandardCharsets.UTF_8));
    }
}
