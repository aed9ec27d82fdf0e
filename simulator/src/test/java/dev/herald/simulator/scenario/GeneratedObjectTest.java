package dev.herald.simulator.scenario;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.client.utils.Serialization;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The object of a generate step, with its lists and texts in place. */
class GeneratedObjectTest {

    @SuppressWarnings("unchecked")
    private static Map<String, Object> expand(String object, Scenario.Fill... fills) {
        return Serialization.unmarshal(GeneratedObject.json(new Scenario.Generate("steps[0]", object,
                List.of(fills))), Map.class);
    }

    @Test
    @SuppressWarnings("unchecked")
    void aRepeatedItemGetsItsIndexAndTheMappingsOnTheWayAreMade() {
        Map<String, Object> o = expand("kind: BGPPolicy\nspec: {localASN: 64512}\n",
                new Scenario.Repeat(List.of("spec", "bgpPeers"), 3, Map.of("address", "fd00:99::{i}", "asn", 65010)),
                new Scenario.Repeat(List.of("spec", "nodeSelector", "matchLabels"), 1, "x"));
        Map<String, Object> spec = (Map<String, Object>) o.get("spec");
        assertThat(spec.get("localASN")).isEqualTo(64512);
        assertThat((List<Map<String, Object>>) spec.get("bgpPeers")).extracting(p -> p.get("address"))
                .containsExactly("fd00:99::0", "fd00:99::1", "fd00:99::2");
        assertThat(((Map<String, Object>) spec.get("nodeSelector")).get("matchLabels")).isEqualTo(List.of("x"));
    }

    @Test
    @SuppressWarnings("unchecked")
    void aTextHasTheBytesAskedForAndIsBase64ForASecret() {
        Map<String, Object> o = expand("kind: Secret\ndata: {keep: eA==}\n",
                new Scenario.Text(List.of("data", "127.0.1.1-65000"), 1000, true));
        Map<String, String> data = (Map<String, String>) o.get("data");
        assertThat(data.get("keep")).isEqualTo("eA==");
        byte[] decoded = Base64.getDecoder().decode(data.get("127.0.1.1-65000"));
        assertThat(new String(decoded, StandardCharsets.UTF_8)).hasSize(1000).matches("x+");
    }

    @Test
    void aPathThroughSomethingElseThanAMappingIsNamed() {
        assertThatThrownBy(() -> expand("kind: Secret\ndata: text\n", new Scenario.Text(List.of("data", "k"), 1,
                false))).isInstanceOf(ScenarioException.class).hasMessageContaining("steps[0].generate: data is not "
                + "a mapping");
    }
}
