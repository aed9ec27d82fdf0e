package dev.herald.it.sim;

import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.simulator.scenario.Scenario;
import dev.herald.simulator.scenario.ScenarioGenerator;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The scale scenario of issue 6 in CI: 100 nodes with an agent each, 5,000 Services (500 of them LoadBalancers with
 * externalTrafficPolicy Local), 2 peers; every peer must end up with exactly 5,600 prefixes and 500,600 routes.
 * The time it takes is a figure for docs/performance.md (benchmarks/sim-scale.sh), not an assertion here.
 */
class ScaleScenarioTest {
    @TempDir
    Path tmp;

    @Test
    void aHundredNodesAndFiveThousandServicesConverge() throws Exception {
        ScenarioRuns.Outcome o = ScenarioRuns.run(Scenario.parse(ScenarioGenerator.generate(100, 5000, 2),
                "generated"), tmp);
        System.out.println(o.report());
        assertThat(o.passed()).as(o.report()).isTrue();
    }
}
