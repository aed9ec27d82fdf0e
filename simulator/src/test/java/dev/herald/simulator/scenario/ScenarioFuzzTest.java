package dev.herald.simulator.scenario;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.herald.testing.FuzzBounds;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Fuzzes the simulator's scenario file parser, {@link Scenario#parse}, with arbitrary text (docs/robustness.md,
 * Fuzzing).
 *
 * <p>Input: the file's text (UTF-8).
 *
 * <p>Invariants: the parser throws nothing but {@link ScenarioException} (whose message names the file); each file
 * takes under a second and allocates at most {@value #BYTES_PER_INPUT_BYTE} bytes per input byte plus
 * {@value #CONSTANT_BYTES}; a scenario it accepts can be run: every sleep and deadline is a duration the runner
 * can wait for (not negative, and in nanoseconds within a long), and every generated list or text is within the
 * sizes the runner makes.
 */
class ScenarioFuzzTest {
    /** YAML's reader builds a node tree, then a map tree: a few hundred bytes per input byte. */
    static final long BYTES_PER_INPUT_BYTE = 1024;
    static final long CONSTANT_BYTES = 1024 * 1024;

    static {
        Scenario.parse("nodes: [{name: n}]\nsteps: [{sleep: 1s}]\n", "warm-up");
    }

    @FuzzTest(maxDuration = "10m")
    void parseScenario(byte[] input) throws Exception {
        String text = new String(input, StandardCharsets.UTF_8);
        Scenario scenario;
        try {
            scenario = FuzzBounds.check("parsing a scenario", input.length, BYTES_PER_INPUT_BYTE, CONSTANT_BYTES,
                    () -> Scenario.parse(text, "fuzz.yaml"));
        } catch (ScenarioException e) {
            if (!e.getMessage().startsWith("fuzz.yaml: ")) {
                throw new AssertionError("error without the file's name: " + e.getMessage());
            }
            return;
        }
        for (Scenario.Step st : scenario.steps()) {
            if (st instanceof Scenario.Generate g) {
                for (Scenario.Fill f : g.fills()) {
                    long size = f instanceof Scenario.Repeat r ? r.count() : ((Scenario.Text) f).bytes();
                    long max = f instanceof Scenario.Repeat ? Scenario.Generate.MAX_REPEAT : Scenario.Generate.MAX_BYTES;
                    if (size < 1 || size > max) {
                        throw new AssertionError("generate " + f + " accepted, beyond what the runner makes");
                    }
                }
            }
        }
        for (Duration d : durations(scenario)) {
            if (d.isNegative()) {
                throw new AssertionError("negative duration " + d + " accepted");
            }
            try {
                d.toNanos();
            } catch (ArithmeticException e) {
                throw new AssertionError("duration " + d + " accepted, which the runner cannot wait for");
            }
        }
    }

    private static List<Duration> durations(Scenario s) {
        List<Duration> out = new ArrayList<>();
        for (Scenario.Step st : s.steps()) {
            if (st instanceof Scenario.Sleep x) {
                out.add(x.duration());
            } else if (st instanceof Scenario.Expect x) {
                out.add(x.within());
            } else if (st instanceof Scenario.ExpectCount x) {
                out.add(x.within());
            } else if (st instanceof Scenario.ExpectCondition x) {
                out.add(x.within());
            } else if (st instanceof Scenario.ExpectEvent x) {
                out.add(x.within());
            } else if (st instanceof Scenario.ExpectEstablished x) {
                out.add(x.within());
            } else if (st instanceof Scenario.ExpectHistory x) {
                out.add(x.within());
            }
        }
        return out;
    }
}
