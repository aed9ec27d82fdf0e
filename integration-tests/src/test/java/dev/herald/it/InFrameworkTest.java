package dev.herald.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.herald.it.peers.Daemons;
import dev.herald.launcher.FrameworkLauncher;
import dev.herald.launcher.HeraldHome;
import dev.herald.support.gobgp.GobgpdBinary;
import java.lang.reflect.Method;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceReference;
import org.osgi.framework.launch.Framework;

/**
 * The distribution's bundles booted by the launcher in this JVM, checked from inside the framework: every bundle
 * resolves and starts, every Declarative Services component of Herald's bundles is active.
 */
@InFramework
class InFrameworkTest {
    @TempDir
    static Path tmp;
    static FrameworkLauncher.Started started;
    static dev.herald.it.kube.MockCluster cluster;

    @BeforeAll
    static void boot() throws Exception {
        cluster = new dev.herald.it.kube.MockCluster(tmp.resolve("cluster"));
        Path home = Distribution.copy(tmp, "herald");
        Distribution.setStatusPort(home, Distribution.freePort());
        Distribution.connect(home, cluster, "node1");
        started = FrameworkLauncher.launch(new HeraldHome(home), Map.of("gosh.args", "--nointeractive --noshutdown"));
    }

    @AfterAll
    static void stop() throws Exception {
        if (started != null) {
            started.framework().stop();
            started.framework().waitForStop(10_000);
        }
        cluster.close();
    }

    @Test
    void everyBundleResolvesAndStarts() {
        assertThat(started.problems()).isEmpty();
        for (Bundle b : started.framework().getBundleContext().getBundles()) {
            boolean fragment = b.getHeaders("").get("Fragment-Host") != null;
            assertThat(b.getState()).as(b.getSymbolicName()).isEqualTo(fragment ? Bundle.RESOLVED : Bundle.ACTIVE);
        }
    }

    @Test
    void heraldBundlesExportOnlyVersionedApi() {
        Bundle api = bundle("dev.herald.api");
        assertThat(api.getHeaders().get("Export-Package")).contains("dev.herald.api;version=\"1.3.0\"")
                .contains("dev.herald.api.spi;version=\"1.6.0\"");
        assertThat(bundle("dev.herald.ops").getHeaders().get("Export-Package")).isNull();
        // the metrics bundle keeps the Prometheus client to itself (docs/metrics.md); the BFD kit is a library
        assertThat(bundle("dev.herald.metrics").getHeaders().get("Export-Package")).isNull();
        assertThat(bundle("dev.herald.bfd").getHeaders().get("Export-Package"))
                .contains("dev.herald.bfd.transport;version=\"1.0.0\"");
    }

    @Test
    void everyHeraldComponentIsActive() throws Exception {
        // StatusServer activates once FileInstall has handed etc/herald.cfg to Configuration Admin.
        await("StatusServer configured from etc/herald.cfg").atMost(Duration.ofSeconds(10))
                .pollInterval(Duration.ofMillis(50)).until(() -> componentStates().stream()
                        .anyMatch(c -> c[0].equals("dev.herald.ops.StatusServer") && c[2].equals("8")));
        List<String[]> components;
        await("controller bound to the cluster state").atMost(Duration.ofSeconds(20))
                .pollInterval(Duration.ofMillis(100)).until(() -> componentStates().stream()
                        .anyMatch(c -> c[0].equals("dev.herald.controller.ControllerComponent") && c[2].equals("8")));
        components = componentStates();
        assertThat(components).extracting(c -> c[0])
                .contains("dev.herald.ops.StatusServer", "dev.herald.ops.LogForwarder",
                        "dev.herald.kube.KubeComponent", "dev.herald.controller.ControllerComponent",
                        // the route sources are components themselves, over the cluster state
                        "dev.herald.source.service.ServiceRouteSource", "dev.herald.source.egress.EgressRouteSource",
                        "dev.herald.source.pod.PodRouteSource");
        // ComponentConfigurationDTO: SATISFIED = 4 (a delayed service, activated on first use), ACTIVE = 8
        assertThat(components).allSatisfy(c -> assertThat(c[2]).as(c[0]).isIn("4", "8"));
        assertThat(components).filteredOn(c -> c[0].equals("dev.herald.ops.StatusServer")
                || c[0].equals("dev.herald.ops.LogForwarder")).allSatisfy(c -> assertThat(c[2]).isEqualTo("8"));
    }

    @Test
    void theNativeBackendIsRegisteredAndRunsAServerOnEpollInsideTheFramework() throws Exception {
        BundleContext ctx = started.framework().getBundleContext();
        ServiceReference<?>[] refs = ctx.getAllServiceReferences("dev.herald.api.spi.BgpServerFactory",
                "(herald.backend=native)");
        assertThat(refs).as("native BgpServerFactory service").isNotNull().hasSize(1);
        Object factory = ctx.getService(refs[0]);
        try {
            // the API's classes as the framework sees them: from the herald-api bundle, not this class path
            Bundle api = bundle("dev.herald.api");
            Class<?> globalConfig = api.loadClass("dev.herald.api.GlobalConfig");
            Class<?> addresses = api.loadClass("dev.herald.api.Addresses");
            Object listen = addresses.getMethod("address", String.class, String.class)
                    .invoke(null, "127.0.0.1", "listen");
            Object config = globalConfig.getMethod("of", long.class, String.class).invoke(null, 65001L, "10.0.0.1");
            config = globalConfig.getMethod("withListenPort", int.class).invoke(config, Distribution.freePort());
            config = globalConfig.getMethod("withListenAddress", api.loadClass("inet.ipaddr.IPAddress"))
                    .invoke(config, listen);
            Object server = factory.getClass().getMethod("create", globalConfig).invoke(factory, config);
            server.getClass().getMethod("start").invoke(server);
            try {
                assertThat(server.getClass().getMethod("transportName").invoke(server))
                        .as("epoll's native library loads from its fragment").isEqualTo("epoll");
            } finally {
                server.getClass().getMethod("stop").invoke(server);
            }
        } finally {
            ctx.ungetService(refs[0]);
        }
    }

    @Test
    void theGobgpBackendIsRegisteredAndDrivesGobgpdOverGrpcInsideTheFramework() throws Exception {
        BundleContext ctx = started.framework().getBundleContext();
        ServiceReference<?>[] refs = ctx.getAllServiceReferences("dev.herald.api.spi.BgpServerFactory",
                "(herald.backend=gobgp)");
        assertThat(refs).as("gobgp BgpServerFactory service").isNotNull().hasSize(1);
        Daemons.assumeInstalled("gobgpd", GobgpdBinary.installed());
        Object factory = ctx.getService(refs[0]);
        try {
            Bundle api = bundle("dev.herald.api");
            Class<?> globalConfig = api.loadClass("dev.herald.api.GlobalConfig");
            Object listen = api.loadClass("dev.herald.api.Addresses").getMethod("address", String.class, String.class)
                    .invoke(null, "127.0.0.1", "listen");
            Object config = globalConfig.getMethod("of", long.class, String.class).invoke(null, 65001L, "10.0.0.2");
            config = globalConfig.getMethod("withListenPort", int.class).invoke(config, Distribution.freePort());
            config = globalConfig.getMethod("withListenAddress", api.loadClass("inet.ipaddr.IPAddress"))
                    .invoke(config, listen);
            Object server = factory.getClass().getMethod("create", globalConfig).invoke(factory, config);
            // start launches gobgpd, then GetBgp and StartBgp: grpc-java, embedded in the bundle, must work in Felix
            server.getClass().getMethod("start").invoke(server);
            try {
                assertThat((OptionalLong) server.getClass().getMethod("daemonPid").invoke(server)).isPresent();
                assertThat((List<?>) server.getClass().getMethod("peers").invoke(server)).isEmpty();
            } finally {
                server.getClass().getMethod("stop").invoke(server);
            }
        } finally {
            ctx.ungetService(refs[0]);
        }
    }

    private static Bundle bundle(String bsn) {
        for (Bundle b : started.framework().getBundleContext().getBundles()) {
            if (bsn.equals(b.getSymbolicName())) {
                return b;
            }
        }
        throw new AssertionError("no bundle " + bsn);
    }

    /**
     * {name, bundle, state} of every component of a dev.herald bundle, read from the ServiceComponentRuntime. The
     * DTO classes live in the framework's class space, not this test's, hence reflection.
     */
    private static List<String[]> componentStates() throws Exception {
        Framework fw = started.framework();
        BundleContext ctx = fw.getBundleContext();
        ServiceReference<?>[] refs = ctx.getAllServiceReferences(
                "org.osgi.service.component.runtime.ServiceComponentRuntime", null);
        assertThat(refs).as("ServiceComponentRuntime").isNotNull().hasSize(1);
        Object scr = ctx.getService(refs[0]);
        try {
            Class<?> scrType = scr.getClass().getClassLoader()
                    .loadClass("org.osgi.service.component.runtime.ServiceComponentRuntime");
            Method descriptions = scrType.getMethod("getComponentDescriptionDTOs", Bundle[].class);
            Method configs = null;
            List<String[]> out = new ArrayList<>();
            for (Object d : (Collection<?>) descriptions.invoke(scr, (Object) new Bundle[0])) {
                Object bundleDto = d.getClass().getField("bundle").get(d);
                String bsn = (String) bundleDto.getClass().getField("symbolicName").get(bundleDto);
                if (!bsn.startsWith("dev.herald.")) {
                    continue;
                }
                if (configs == null) {
                    configs = scrType.getMethod("getComponentConfigurationDTOs", d.getClass());
                }
                String name = (String) d.getClass().getField("name").get(d);
                Collection<?> cs = (Collection<?>) configs.invoke(scr, d);
                if (cs.isEmpty()) {
                    out.add(new String[] {name, bsn, "no configuration"});
                }
                for (Object c : cs) {
                    out.add(new String[] {name, bsn, String.valueOf(c.getClass().getField("state").get(c))});
                }
            }
            return out;
        } finally {
            ctx.ungetService(refs[0]);
        }
    }

}
