package dev.herald.controller;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.herald.api.RouteType;
import dev.herald.api.spi.BgpServerFactory;
import dev.herald.api.spi.Telemetry;
import dev.herald.testing.InMemoryClusterState;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The composition the agent and the simulator run: listeners, loop and timers around the reconciler. */
class ControllerTest {
    private final InMemoryClusterState cluster = new InMemoryClusterState();
    private final Fakes.Backend backend = new Fakes.Backend();
    private final Fakes.Writer writer = new Fakes.Writer();
    private final Fakes.Source services = new Fakes.Source(RouteType.SERVICE_CLUSTER_IP);
    /** What telemetry was told: each pass's failed step, "ok" for a good one. */
    private final List<String> passes = new CopyOnWriteArrayList<>();
    private final Telemetry telemetry = new Telemetry() {
        @Override
        public void reconciled(Duration took, Optional<String> failure) {
            passes.add(failure.orElse("ok"));
        }
    };
    private Controller controller;

    @BeforeEach
    void setUp() {
        cluster.setNode(Fakes.node("node1", Map.of(), Map.of(), "192.168.0.11"));
        cluster.put(BgpPolicyReconcilerTest.policy("p", 100, 65001, 179));
        services.set("ns/a", "10.96.0.1");
    }

    @AfterEach
    void tearDown() throws InterruptedException {
        if (controller != null) {
            controller.close();
        }
    }

    private Controller controller(Supplier<Optional<BgpServerFactory>> factory, Duration grace) {
        return new Controller(new Controller.Parts("test-controller", cluster, writer, factory, List::of, telemetry,
                () -> false), new BgpPolicyReconciler.Settings(Optional.empty(), grace));
    }

    /** Fakes are not thread-safe: read them only once the loop is idle, polling until then. */
    private boolean advertises(String... prefixes) {
        return backend.running().size() == 1 && backend.current().routes.keySet().equals(java.util.Set.of(prefixes));
    }

    @Test
    void nothingRunsBeforeStartAndTheFirstPassAppliesThePolicy() {
        controller = controller(() -> Optional.of(backend), Duration.ofSeconds(5));
        controller.addSource(services);
        assertThat(backend.servers).isEmpty();
        controller.start();
        await().atMost(Duration.ofSeconds(10)).ignoreExceptions().until(() -> advertises("10.96.0.1/32"));
        assertThat(controller.status().policy()).contains("p");
        assertThat(passes).contains("ok").doesNotContain("ReconcileFailed");
    }

    @Test
    void theRoutesOfASourceThatWentAreWithdrawnWhenItsGracePeriodEndsWithoutAnotherChange() {
        controller = controller(() -> Optional.of(backend), Duration.ofMillis(300));
        controller.addSource(services);
        controller.start();
        await().atMost(Duration.ofSeconds(10)).ignoreExceptions().until(() -> advertises("10.96.0.1/32"));

        long removed = System.nanoTime();
        controller.removeSource(services);
        // the grace-expiry timer runs the pass that withdraws: nothing else changes meanwhile
        await().atMost(Duration.ofSeconds(10)).ignoreExceptions().until(() -> advertises());
        assertThat(Duration.ofNanos(System.nanoTime() - removed)).isGreaterThanOrEqualTo(Duration.ofMillis(300));
    }

    @Test
    void aPassWaitingForItsBackendIsNeitherAGoodPassNorAnErrorToTelemetry() {
        controller = controller(Optional::empty, Duration.ofSeconds(5));
        controller.start();
        await().atMost(Duration.ofSeconds(10)).until(() -> controller.status().policy().isPresent());
        assertThat(passes).isEmpty();
        assertThat(controller.reconcileErrors()).isZero();
    }
}
