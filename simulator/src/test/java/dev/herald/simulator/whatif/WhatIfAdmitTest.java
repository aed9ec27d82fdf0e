package dev.herald.simulator.whatif;

import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.api.BgpPolicy;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Where the candidate stands in the election, once applied: a replacement keeps its place, a new one is last. */
class WhatIfAdmitTest {
    private static final Instant T = Instant.parse("2026-01-01T00:00:10Z");
    private static final ClusterSnapshot CLUSTER = new ClusterSnapshot("http://api", List.of(), List.of(), Map.of(),
            Map.of(), Map.of(), List.of(), Map.of("base", new ClusterSnapshot.PolicyMeta(T, 3),
                    "older", new ClusterSnapshot.PolicyMeta(T.minusSeconds(3600), 1)));

    private static BgpPolicy admit(String name, Instant now) throws WhatIfException {
        return WhatIfAnalysis.admit(CandidatePolicy.parse(WhatIfClusterFixture.BASE.replace("{name: base}",
                "{name: " + name + "}"), "p.yaml"), CLUSTER, now);
    }

    @Test
    void aNewPolicyIsNewerThanEveryPolicyThereWhateverTheLocalClock() throws Exception {
        assertThat(admit("aaa", T.minus(Duration.ofHours(1))).creationTimestamp()).isEqualTo(T.plusSeconds(1));
        assertThat(admit("aaa", T.plusMillis(500)).creationTimestamp()).isEqualTo(T.plusSeconds(1));
        assertThat(admit("aaa", T.plusMillis(5700)).creationTimestamp()).isEqualTo(T.plusSeconds(5));
        assertThat(admit("aaa", T).generation()).isEqualTo(1);
    }

    @Test
    void aReplacementKeepsTheCreationTimeAndBumpsTheGeneration() throws Exception {
        BgpPolicy p = admit("base", T.plus(Duration.ofDays(3)));
        assertThat(p.creationTimestamp()).isEqualTo(T);
        assertThat(p.generation()).isEqualTo(4);
        assertThat(admit("older", T).creationTimestamp()).isEqualTo(T.minusSeconds(3600));
    }
}
