package dev.herald.controller;

import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.api.RouteType;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ChangesTest {
    private final Fakes.Source source = new Fakes.Source(RouteType.SERVICE_CLUSTER_IP);
    private final Changes changes = new Changes();

    @Test
    void theFirstPassRecomputesEverythingAndTheNextOnlyWhatChanged() {
        assertThat(changes.take().full()).isTrue();
        changes.owners(source, Set.of("ns/a"));
        changes.owners(source, Set.of("ns/b"));
        Changes.Batch batch = changes.take();
        assertThat(batch.full()).isFalse();
        assertThat(batch.owners()).containsOnlyKeys(source);
        assertThat(batch.owners().get(source)).containsExactlyInAnyOrder("ns/a", "ns/b");
        assertThat(changes.take().owners()).isEmpty();
    }

    @Test
    void noOwnersMeansAnythingMayHaveChanged() {
        changes.take();
        changes.owners(source, Set.of());
        assertThat(changes.take().full()).isTrue();
        changes.all();
        assertThat(changes.take().full()).isTrue();
    }
}
