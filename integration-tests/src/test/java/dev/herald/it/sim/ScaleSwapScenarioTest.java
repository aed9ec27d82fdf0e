package dev.herald.it.sim;

import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.it.InFramework;
import dev.herald.simulator.scenario.Scenario;
import dev.herald.simulator.scenario.ScenarioGenerator;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 7 in the simulator: 4 agents, each in its own framework, advertise 10,008 routes to a peer with graceful
 * restart while their controller, kube, service source and native backend bundles are updated one after the other;
 * nothing may be withdrawn, and only the backend update may renew the sessions. Runs in a JVM of its own (see the
 * pom): frameworks and the class path's netty epoll do not share one.
 */
@InFramework
class ScaleSwapScenarioTest {
    @TempDir
    Path tmp;

    @Test
    void tenThousandRoutesSurviveEveryBundleUpdate() throws Exception {
        ScenarioRuns.Outcome o = ScenarioRuns.run(Scenario.parse(ScenarioGenerator.generate(4, 2440, 1, true),
                "generated"), tmp);
        System.out.println(o.report());
        assertThat(o.report()).contains("holds 2688 prefixes, 10008 routes");
        assertThat(o.passed()).as(o.report()).isTrue();
    }
}
