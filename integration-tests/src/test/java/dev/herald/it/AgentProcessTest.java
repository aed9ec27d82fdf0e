package dev.herald.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import dev.herald.it.kube.MockCluster;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/** The distribution folder run as an operator runs it: {@code bin/herald} in its own process. */
class AgentProcessTest {
    private static final Duration START = Duration.ofSeconds(60);
    private static final Duration STOP = Duration.ofSeconds(10);
    /** The hot-deploy contract: a change in deploy/ takes effect within 2 s. */
    private static final Duration DEPLOY = Duration.ofSeconds(2);

    @TempDir
    Path tmp;
    /** The agents need a cluster to be ready: one API server for the whole class. */
    private static MockCluster cluster;

    @BeforeAll
    static void cluster(@TempDir Path dir) throws Exception {
        cluster = new MockCluster(dir);
    }

    @AfterAll
    static void stopCluster() {
        cluster.close();
    }

    private static Path connected(Path home, String node) throws Exception {
        Distribution.connect(home, cluster, node);
        return home;
    }

    @Test
    void startsReadyWithEveryBundleActiveAndStopsCleanlyOnSigterm() throws Exception {
        Path home = connected(Distribution.copy(tmp, "herald"), "node1");
        try (AgentProcess agent = AgentProcess.start(home)) {
            agent.awaitReady(START);
            assertThat(agent.get("/healthz").orElseThrow().body()).isEqualTo("ok\n");
            assertThat(agent.bundles()).isNotEmpty().allSatisfy(b ->
                    assertThat(b.path("state").asString()).as(b.toString()).isIn("Active", "Fragment"));
            assertThat(agent.bundle("dev.herald.api")).isPresent();
            assertThat(agent.bundle("dev.herald.ops")).isPresent();

            assertThat(agent.terminate(STOP)).as("exit code after SIGTERM").isZero();
            assertThat(agent.stdout()).contains("Herald started in").contains("Herald stopped");
            assertThat(agent.log()).contains("Herald started in").contains("Herald stopped");
        }
    }

    @Test
    void aJarDroppedIntoDeployIsInstalledUpdatedAndUninstalled() throws Exception {
        Path home = connected(Distribution.copy(tmp, "herald"), "node1");
        try (AgentProcess agent = AgentProcess.start(home)) {
            agent.awaitReady(START);
            Path jar = home.resolve("deploy/hello.jar");

            Distribution.writeBundle(jar, "dev.herald.test.hello", "1.0.0", Map.of());
            await("installed and started").atMost(DEPLOY).pollInterval(Duration.ofMillis(50)).until(() ->
                    agent.bundle("dev.herald.test.hello").map(b -> b.path("state").asString().equals("Active"))
                            .orElse(false));
            long id = agent.bundle("dev.herald.test.hello").orElseThrow().path("id").asLong();

            Distribution.writeBundle(jar, "dev.herald.test.hello", "1.0.1", Map.of());
            await("updated in place").atMost(DEPLOY).pollInterval(Duration.ofMillis(50)).until(() ->
                    agent.bundle("dev.herald.test.hello").map(b -> b.path("version").asString().equals("1.0.1")
                            && b.path("state").asString().equals("Active")).orElse(false));
            assertThat(agent.bundle("dev.herald.test.hello").orElseThrow().path("id").asLong())
                    .as("an update keeps the bundle id").isEqualTo(id);

            Files.delete(jar);
            await("uninstalled").atMost(DEPLOY).pollInterval(Duration.ofMillis(50)).until(() ->
                    agent.bundle("dev.herald.test.hello").isEmpty());
            assertThat(agent.get("/readyz").orElseThrow().statusCode()).isEqualTo(200);
        }
    }

    @Test
    void editingHeraldCfgMovesTheStatusApiLive() throws Exception {
        Path home = connected(Distribution.copy(tmp, "herald"), "node1");
        try (AgentProcess agent = AgentProcess.start(home)) {
            agent.awaitReady(START);
            int oldPort = agent.statusPort;
            int newPort = Distribution.freePort();

            Distribution.setStatusPort(home, newPort);
            await("status API on the new port").atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(100))
                    .until(() -> AgentProcess.get(newPort, "/healthz").map(r -> r.statusCode() == 200).orElse(false));
            assertThat(AgentProcess.get(oldPort, "/healthz")).as("old port closed").isEmpty();
            agent.statusPort = newPort;
            assertThat(agent.log()).contains("status.address changed from 127.0.0.1:" + oldPort
                    + " to 127.0.0.1:" + newPort);
            assertThat(agent.terminate(STOP)).isZero();
        }
    }

    @Test
    void editingHeraldCfgMovesTheMetricsEndpointLiveAndAnEmptyAddressTurnsItOff() throws Exception {
        Path home = connected(Distribution.copy(tmp, "herald"), "node1");
        int first = Distribution.freePort();
        Distribution.setting(home, "metrics.address", "127.0.0.1:" + first);
        try (AgentProcess agent = AgentProcess.start(home)) {
            agent.awaitReady(START);
            await("metrics").atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(100)).until(() ->
                    AgentProcess.get(first, "/metrics").filter(r -> r.body().contains("herald_build_info"))
                            .isPresent());
            // bin/herald's default collector, the serial one
            assertThat(AgentProcess.get(first, "/metrics").orElseThrow().body()).contains("gc=\"Copy\"");

            int second = Distribution.freePort();
            Distribution.setting(home, "metrics.address", "127.0.0.1:" + second);
            await("metrics on the new port").atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(100))
                    .until(() -> AgentProcess.get(second, "/metrics").map(r -> r.statusCode() == 200).orElse(false));
            assertThat(AgentProcess.get(first, "/metrics")).as("old port closed").isEmpty();

            Distribution.setting(home, "metrics.address", "");
            await("metrics off").atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(100))
                    .until(() -> AgentProcess.get(second, "/metrics").isEmpty());
            assertThat(agent.log()).contains("Metrics on http://127.0.0.1:" + second + "/metrics")
                    .contains("Metrics endpoint off (metrics.address is empty)");
            assertThat(agent.get("/readyz").orElseThrow().statusCode()).isEqualTo(200);
            assertThat(agent.terminate(STOP)).isZero();
        }
    }

    @Test
    void aCollectorChosenInHeraldJavaOptsReplacesTheSerialOne() throws Exception {
        // docs/bfd.md, "Stalls and garbage collection": BFD under a second wants a concurrent collector
        Path home = connected(Distribution.copy(tmp, "herald"), "node1");
        int port = Distribution.freePort();
        Distribution.setting(home, "metrics.address", "127.0.0.1:" + port);
        try (AgentProcess agent = AgentProcess.start(home, Map.of("HERALD_JAVA_OPTS", "-XX:+UseShenandoahGC"))) {
            agent.awaitReady(START);
            await("metrics").atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(100)).until(() ->
                    AgentProcess.get(port, "/metrics").filter(r -> r.body().contains("herald_build_info"))
                            .isPresent());
            assertThat(AgentProcess.get(port, "/metrics").orElseThrow().body())
                    .contains("gc=\"Shenandoah Pauses\"").doesNotContain("gc=\"Copy\"");
            assertThat(agent.terminate(STOP)).isZero();
        }
    }

    @Test
    void twoCopiesRunSideBySide() throws Exception {
        Path a = connected(Distribution.copy(tmp, "a"), "node-a");
        Path b = connected(Distribution.copy(tmp, "b"), "node-b");
        try (AgentProcess first = AgentProcess.start(a); AgentProcess second = AgentProcess.start(b)) {
            first.awaitReady(START);
            second.awaitReady(START);
            assertThat(first.bundle("dev.herald.ops").orElseThrow().path("location").asString()).contains(a.toString());
            assertThat(second.bundle("dev.herald.ops").orElseThrow().path("location").asString())
                    .contains(b.toString());
            assertThat(first.terminate(STOP)).isZero();
            assertThat(second.get("/readyz").orElseThrow().statusCode()).as("the other copy keeps running")
                    .isEqualTo(200);
            assertThat(second.terminate(STOP)).isZero();
        }
        assertThat(a.resolve("data/cache")).isDirectory();
        assertThat(b.resolve("data/cache")).isDirectory();
    }

    @Test
    void aBundleThatCannotResolveIsNamedWithItsMissingRequirementAndTheRestStart() throws Exception {
        Path home = connected(Distribution.copy(tmp, "herald"), "node1");
        Distribution.writeBundle(home.resolve("system/broken.jar"), "dev.herald.test.broken", "1.0.0",
                Map.of("Import-Package", "org.example.nowhere;version=\"[1,2)\""));
        try (AgentProcess agent = AgentProcess.start(home)) {
            await("status API").atMost(START).pollInterval(Duration.ofMillis(100))
                    .until(() -> agent.get("/readyz").isPresent());
            assertThat(agent.log()).contains("dev.herald.test.broken 1.0.0").contains("missing requirement")
                    .contains("org.example.nowhere");
            var ready = agent.get("/readyz").orElseThrow();
            assertThat(ready.statusCode()).isEqualTo(503);
            assertThat(ready.body()).contains("[-]bundle dev.herald.test.broken 1.0.0 is Installed (unresolved");
            for (JsonNode b : agent.bundles()) {
                if (!b.path("symbolicName").asString().equals("dev.herald.test.broken")) {
                    assertThat(b.path("state").asString()).as(b.toString()).isIn("Active", "Fragment");
                }
            }
            assertThat(agent.terminate(STOP)).isZero();
        }
    }

    @Test
    void cleanWipesTheFrameworkCache() throws Exception {
        Path home = connected(Distribution.copy(tmp, "herald"), "node1");
        Path marker = home.resolve("data/cache/marker");
        Files.createDirectories(marker.getParent());
        Files.writeString(marker, "stale");
        try (AgentProcess agent = AgentProcess.start(home, "--clean")) {
            agent.awaitReady(START);
            assertThat(marker).doesNotExist();
            assertThat(agent.terminate(STOP)).isZero();
        }
    }
}
