package dev.herald.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.herald.api.LabelSelector.Operator;
import dev.herald.api.LabelSelector.Requirement;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class LabelSelectorTest {
    private static final Map<String, String> NODE = Map.of("bgp", "on", "zone", "a");

    @Test
    void emptySelectorMatchesEverything() {
        assertThat(LabelSelector.ALL.matches(Map.of())).isTrue();
        assertThat(LabelSelector.ALL.matches(NODE)).isTrue();
    }

    @Test
    void matchLabelsAndExpressionsAreAnded() {
        var s = new LabelSelector(Map.of("bgp", "on"),
                List.of(new Requirement("zone", Operator.IN, Set.of("a", "b"))));
        assertThat(s.matches(NODE)).isTrue();
        assertThat(s.matches(Map.of("bgp", "on", "zone", "c"))).isFalse();
        assertThat(s.matches(Map.of("zone", "a"))).isFalse();
    }

    @Test
    void everyOperator() {
        assertThat(new Requirement("zone", Operator.NOT_IN, Set.of("b")).matches(NODE)).isTrue();
        assertThat(new Requirement("zone", Operator.NOT_IN, Set.of("a")).matches(NODE)).isFalse();
        assertThat(new Requirement("missing", Operator.NOT_IN, Set.of("a")).matches(NODE)).isTrue();
        assertThat(new Requirement("bgp", Operator.EXISTS, Set.of()).matches(NODE)).isTrue();
        assertThat(new Requirement("bgp", Operator.DOES_NOT_EXIST, Set.of()).matches(NODE)).isFalse();
        assertThat(new Requirement("gone", Operator.DOES_NOT_EXIST, Set.of()).matches(NODE)).isTrue();
    }

    @Test
    void invalidSelectorsAreRefusedAtConstruction() {
        assertThatThrownBy(() -> Operator.parse("Equals")).hasMessageContaining("unknown label selector operator");
        assertThatThrownBy(() -> new Requirement("zone", Operator.IN, Set.of())).hasMessageContaining("needs");
        assertThatThrownBy(() -> new Requirement("zone", Operator.EXISTS, Set.of("a")))
                .hasMessageContaining("takes no values");
        assertThatThrownBy(() -> new Requirement("", Operator.EXISTS, Set.of())).hasMessageContaining("empty key");
    }
}
