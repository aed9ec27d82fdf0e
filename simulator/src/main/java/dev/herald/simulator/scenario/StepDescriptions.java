package dev.herald.simulator.scenario;

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
import java.time.Duration;

/** How the step lines of a run name each step, and the texts they share. */
final class StepDescriptions {
    private StepDescriptions() {
    }

    static String describe(Step s) {
        // Java 17: no switch on types yet
        if (s instanceof Apply a) {
            return "apply " + kindAndName(a.yaml(), 4);
        }
        if (s instanceof Delete d) {
            return "delete " + d.kind() + " " + d.name();
        }
        if (s instanceof Terminate t) {
            return "terminate Pod " + t.pod();
        }
        if (s instanceof Label l) {
            return "label Node " + l.node() + " " + l.labels();
        }
        if (s instanceof Fault f) {
            return "fault " + f.action() + " at peer " + f.peer() + f.node().map(n -> " toward " + n).orElse("");
        }
        if (s instanceof ApiServer a) {
            return "API server " + (a.up() ? "up" : "down");
        }
        if (s instanceof Sleep sl) {
            return "sleep " + seconds(sl.duration());
        }
        if (s instanceof Expect e) {
            return "expect peer " + e.peer() + " holds " + e.routes().size() + " route(s)"
                    + (e.exactly() ? " exactly" : "") + (e.absent().isEmpty() ? "" : ", " + e.absent().size()
                    + " absent");
        }
        if (s instanceof ExpectCount c) {
            return "expect peer " + c.peer() + " holds " + c.prefixes() + " prefixes, " + c.routes() + " routes";
        }
        if (s instanceof ExpectCondition c) {
            return "expect BGPPolicy " + c.policy() + " shows " + c.node() + " " + c.status() + " " + c.reason()
                    + (c.message().isEmpty() ? "" : " " + c.message());
        }
        if (s instanceof ExpectEvent e) {
            return "expect an Event about " + e.kind() + " " + e.namespace().map(ns -> ns + "/").orElse("")
                    + e.name() + e.reason().map(r -> " " + r).orElse("") + (e.message().isEmpty() ? ""
                    : " " + e.message());
        }
        if (s instanceof Generate g) {
            return "generate " + kindAndName(g.object(), 2) + " with " + g.fills().stream()
                    .map(f -> String.join(".", f.path()) + (f instanceof Scenario.Repeat r ? " × " + r.count()
                            : " of " + ((Scenario.Text) f).bytes() + " bytes")).toList();
        }
        if (s instanceof ExpectEstablished e) {
            return "expect peer " + e.peer() + " established with " + e.nodes();
        }
        if (s instanceof Swap w) {
            return "swap: " + (w.action() == Swap.Action.BACKEND ? "backend = " + w.target() : w.action() + " "
                    + w.target()) + " on " + w.node().map(n -> "agent " + n).orElse("every agent");
        }
        if (s instanceof ExpectHistory h) {
            return "expect peer " + h.peer() + " saw " + (h.withdrawn().isEmpty() ? "no withdrawal"
                    : h.withdrawn().size() + " withdrawal(s)") + switch (h.sessions()) {
                        case KEPT -> " and kept its sessions";
                        case RENEWED -> " and its sessions restarted gracefully";
                        case ANY -> "";
                    } + " since the last swap";
        }
        return s.toString();
    }

    /** The first {@code lines} {@code kind:} and {@code name:} lines of an object's YAML, trimmed. */
    private static java.util.List<String> kindAndName(String yaml, int lines) {
        return yaml.lines().filter(l -> l.trim().startsWith("kind:") || l.trim().startsWith("name:"))
                .map(String::trim).limit(lines).toList();
    }

    static String indent(String s) {
        return s.lines().map(l -> "     " + l).reduce((a, b) -> a + "\n" + b).orElse("");
    }

    static String seconds(Duration d) {
        return String.format("%.1f s", d.toMillis() / 1000.0);
    }
}
