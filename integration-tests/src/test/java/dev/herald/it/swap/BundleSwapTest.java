package dev.herald.it.swap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.herald.it.Distribution;
import dev.herald.it.InFramework;
import dev.herald.it.kube.MockCluster;
import dev.herald.it.peers.Daemons;
import dev.herald.launcher.FrameworkLauncher;
import dev.herald.launcher.HeraldHome;
import dev.herald.simulator.peer.EmulatedPeer;
import dev.herald.simulator.peer.EmulatedPeerConfig;
import dev.herald.simulator.peer.RouteEvent;
import dev.herald.simulator.peer.SessionInfo;
import dev.herald.support.gobgp.GobgpdBinary;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceReference;

/**
 * Issue 7 in the real framework: the distribution's bundles, one agent advertising 10,000 Service external IPs to an
 * emulated router with graceful restart that records every UPDATE. Each part is replaced the way an operator would
 * (Gogo {@code update}, {@code uninstall}, {@code herald:swap}, an edit of etc/herald.cfg), and after each the router
 * must never have seen a route it still wanted withdrawn and must end with exactly the desired table. Updating the
 * controller, kube or a source must not even touch the session. Prints {@code [bundle-swap]} lines with timings.
 */
@InFramework
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class BundleSwapTest {
    private static final int SERVICES = 100;
    private static final int IPS_PER_SERVICE = 100;
    private static final String AGENT = "127.0.0.71";
    private static final String ROUTER = "127.0.0.72";
    private static final Duration CONVERGE = Duration.ofSeconds(90);

    @TempDir
    static Path tmp;
    static MockCluster cluster;
    static EmulatedPeer router;
    static FrameworkLauncher.Started started;
    static Path home;
    static InetAddress agent;
    static Set<String> want;

    @BeforeAll
    static void boot() throws Exception {
        // the router on Java NIO: an updated backend bundle would take the class path's epoll natives with it
        System.setProperty("herald.sim.transport", "nio");
        agent = InetAddress.getByName(AGENT);
        cluster = new MockCluster(tmp.resolve("cluster"));
        router = EmulatedPeer.start(EmulatedPeerConfig.of("r1", InetAddress.getByName(ROUTER), 0, 65000,
                "10.0.0.72"));
        int heraldPort = Daemons.freePort();
        cluster.node("node1", AGENT, Map.of("bgp", "on"));
        cluster.applyBgpPolicy("""
                apiVersion: crd.antrea.io/v1alpha1
                kind: BGPPolicy
                metadata: {name: swaps}
                spec:
                  nodeSelector: {matchLabels: {bgp: "on"}}
                  localASN: 65001
                  listenPort: %d
                  advertisements:
                    service: {ipTypes: [ExternalIP]}
                  bgpPeers:
                    - {address: %s, asn: 65000, port: %d, gracefulRestartTimeSeconds: 120}
                """.formatted(heraldPort, ROUTER, router.localAddress().getPort()));
        want = new HashSet<>();
        for (int s = 0; s < SERVICES; s++) {
            cluster.apply(service("svc" + s, s));
            for (int i = 0; i < IPS_PER_SERVICE; i++) {
                want.add(ip(s, i) + "/32");
            }
        }
        home = Distribution.copy(tmp, "herald");
        Distribution.setStatusPort(home, Distribution.freePort());
        Distribution.connect(home, cluster, "node1");
        Distribution.setting(home, "bgp.listenAddress", AGENT);
        long t0 = System.nanoTime();
        started = FrameworkLauncher.launch(new HeraldHome(home), Map.of("gosh.args", "--nointeractive --noshutdown"));
        assertThat(started.problems()).isEmpty();
        await("initial table").atMost(CONVERGE).pollInterval(Duration.ofMillis(50)).until(() -> converged(null));
        System.out.printf("[bundle-swap] initial table of %,d routes at the router %d ms after the framework "
                + "launch%n", want.size(), (System.nanoTime() - t0) / 1_000_000);
    }

    @AfterAll
    static void stop() throws Exception {
        if (started != null) {
            started.framework().stop();
            started.framework().waitForStop(15_000);
        }
        if (router != null) {
            router.close();
        }
        if (cluster != null) {
            cluster.close();
        }
    }

    static String ip(int service, int i) {
        return "10.200." + service + "." + (i + 1);
    }

    static String service(String name, int block) {
        StringBuilder ips = new StringBuilder();
        for (int i = 0; i < IPS_PER_SERVICE; i++) {
            ips.append(i == 0 ? "" : ", ").append(ip(block, i));
        }
        return """
                apiVersion: v1
                kind: Service
                metadata: {name: %s, namespace: default}
                spec:
                  type: ClusterIP
                  externalIPs: [%s]
                  ports: [{port: 80}]
                """.formatted(name, ips);
    }

    // ---- the parts that do not speak BGP: the session must not even notice ----

    @Test
    @Order(1)
    void updatingTheControllerBundleKeepsTheSessionAndSendsNothing() throws Exception {
        quietSwap("controller", true, () -> bundle("dev.herald.controller").update());
    }

    @Test
    @Order(2)
    void aControllerThatComesBackSendsOnlyWhatChangedWhileItWasAway() throws Exception {
        Instant session = establishedSince();
        router.clearEvents();
        Bundle controller = bundle("dev.herald.controller");
        controller.stop();
        cluster.client().services().inNamespace("default").withName("svc0").delete();
        cluster.apply(service("svc-new", 200));
        Set<String> gone = new HashSet<>();
        Set<String> added = new HashSet<>();
        for (int i = 0; i < IPS_PER_SERVICE; i++) {
            gone.add(ip(0, i) + "/32");
            added.add(ip(200, i) + "/32");
        }
        want.removeAll(gone);
        want.addAll(added);
        Thread.sleep(1000); // the cluster changed while no controller ran: the router still has svc0
        assertThat(router.prefixes()).containsAll(gone).doesNotContainAnyElementsOf(added);
        long t0 = System.nanoTime();
        controller.start();
        await("difference sent").atMost(CONVERGE).pollInterval(Duration.ofMillis(20)).until(() -> converged(null));
        long ms = (System.nanoTime() - t0) / 1_000_000;
        Thread.sleep(500);
        assertThat(establishedSince()).as("session").isEqualTo(session);
        assertThat(prefixesOf(RouteEvent.Kind.WITHDRAW)).as("withdrawn").isEqualTo(gone);
        assertThat(prefixesOf(RouteEvent.Kind.ANNOUNCE)).as("announced").isEqualTo(added);
        System.out.printf("[bundle-swap] controller restarted after a change: %d withdrawn, %d announced, nothing "
                + "else, in %d ms%n", gone.size(), added.size(), ms);
    }

    @Test
    @Order(3)
    void updatingTheKubeBundleKeepsTheSessionAndSendsNothing() throws Exception {
        quietSwap("kube", true, () -> bundle("dev.herald.kube").update());
    }

    @Test
    @Order(4)
    void updatingTheServiceSourceBundleKeepsTheSessionAndSendsNothing() throws Exception {
        quietSwap("source-service", false, () -> bundle("dev.herald.source.service").update());
    }

    @Test
    @Order(5)
    void removingTheServiceSourceWithdrawsItsRoutesAndAddingItBackReadvertisesThem() throws Exception {
        Instant session = establishedSince();
        Bundle source = bundle("dev.herald.source.service");
        String location = source.getLocation();
        router.clearEvents();
        long t0 = System.nanoTime();
        source.uninstall();
        await("withdrawn after the grace period").atMost(CONVERGE).pollInterval(Duration.ofMillis(20))
                .until(() -> router.prefixes().isEmpty());
        long removed = (System.nanoTime() - t0) / 1_000_000;
        assertThat(prefixesOf(RouteEvent.Kind.WITHDRAW)).isEqualTo(want);
        assertThat(removed).as("kept for source.removalGrace (5 s) first").isGreaterThanOrEqualTo(4_500);

        router.clearEvents();
        long t1 = System.nanoTime();
        BundleContext ctx = started.framework().getBundleContext();
        ctx.installBundle(location).start();
        await("advertised again").atMost(CONVERGE).pollInterval(Duration.ofMillis(20)).until(() -> converged(null));
        long back = (System.nanoTime() - t1) / 1_000_000;
        assertThat(establishedSince()).as("session").isEqualTo(session);
        assertThat(prefixesOf(RouteEvent.Kind.ANNOUNCE)).isEqualTo(want);
        System.out.printf("[bundle-swap] source-service removed: %,d routes withdrawn %d ms later (grace 5 s); "
                + "installed again: all announced in %d ms; session kept%n", want.size(), removed, back);
    }

    @Test
    @Order(6)
    void aControllerJarDroppedIntoDeployReplacesTheSystemOneAndDeletingItBringsThatBack() throws Exception {
        Path jar;
        try (var files = Files.list(home.resolve("system"))) {
            jar = files.filter(f -> f.getFileName().toString().startsWith("herald-controller-")).findFirst()
                    .orElseThrow();
        }
        Path deployed = home.resolve("deploy").resolve("herald-controller-hotfix.jar");
        Bundle system = bundle("dev.herald.controller");
        // a hotfix: the same code under a newer version, as an operator would get it
        quietSwap("controller through deploy/", true, () -> Distribution.withVersion(jar, deployed,
                system.getVersion().getMajor() + "." + system.getVersion().getMinor() + "."
                        + (system.getVersion().getMicro() + 1) + ".hotfix"));
        assertThat(system.getState()).as("the system/ copy while deploy/ has one").isEqualTo(Bundle.RESOLVED);
        assertThat(bundles("dev.herald.controller")).hasSize(2);

        quietSwap("controller back from system/", true, () -> Files.delete(deployed));
        await().atMost(CONVERGE).until(() -> bundles("dev.herald.controller").size() == 1);
        assertThat(system.getState()).isEqualTo(Bundle.ACTIVE);
    }

    // ---- the parts that speak BGP: a graceful restart, never a withdrawal ----

    @Test
    @Order(7)
    void updatingTheNativeBackendBundleIsAGracefulRestart() throws Exception {
        gracefulSwap("backend-native bundle update", () -> bundle("dev.herald.backend.native").update());
    }

    @Test
    @Order(8)
    void herald_swapToGobgpItsBundleUpdatedAndAnEditOfHeraldCfgBackAreGracefulRestarts() throws Exception {
        Daemons.assumeInstalled("gobgpd", GobgpdBinary.installed());
        Object[] answer = new Object[1];
        gracefulSwap("herald:swap gobgp", () -> answer[0] = command("swap", "gobgp", 60L));
        System.out.println("[bundle-swap] herald:swap answered: " + answer[0]);
        assertThat(String.valueOf(answer[0])).startsWith("Converged on gobgp");
        assertThat(Files.readString(home.resolve("etc/herald.cfg"))).contains("backend = gobgp");
        assertThat(String.valueOf(command("status"))).contains("gobgp").contains("Established");

        // the goBGP backend's own bundle updated: its gobgpd goes, a new one comes up as a restart
        gracefulSwap("backend-gobgp bundle update", () -> bundle("dev.herald.backend.gobgp").update());

        gracefulSwap("etc/herald.cfg backend = native", () -> Distribution.setting(home, "backend", "native"));
        await().atMost(CONVERGE).until(() -> String.valueOf(command("status")).startsWith("Backend   native\n"));
    }

    @Test
    @Order(9)
    void stoppingTheAgentEndsTheSessionWithACease() throws Exception {
        long t0 = System.nanoTime();
        started.framework().stop();
        started.framework().waitForStop(15_000);
        long ms = (System.nanoTime() - t0) / 1_000_000;
        await("Cease").atMost(Duration.ofSeconds(10)).until(() -> router.lastNotificationReceived(agent).isPresent());
        assertThat(router.lastNotificationReceived(agent).orElseThrow().code())
                .isEqualTo(dev.herald.bgp.message.NotificationMessage.CEASE);
        await("routes dropped").atMost(Duration.ofSeconds(10)).until(() -> router.prefixes().isEmpty());
        System.out.printf("[bundle-swap] framework stop: Cease received, routes dropped, stopped in %d ms%n", ms);
    }

    // ---- helpers ----

    interface Action {
        void run() throws Exception;
    }

    /**
     * A swap the router must not notice at all: same session, not one UPDATE, the same table. Done when the
     * controller (a new instance if {@code controllerReplaced}) reports the whole table and the bundles are active.
     */
    private static void quietSwap(String what, boolean controllerReplaced, Action action) throws Exception {
        Instant session = establishedSince();
        router.clearEvents();
        Object before = agentStatus();
        long t0 = System.nanoTime();
        action.run();
        // the new controller (a new AgentStatus service) has adopted the server and reports the whole table
        await(what + ": controller back with the table").atMost(CONVERGE).pollInterval(Duration.ofMillis(20))
                .until(() -> {
                    Object now = agentStatus();
                    return now != null && (now != before || !controllerReplaced) && routeCount(now) == want.size()
                            && allActive();
                });
        long ms = (System.nanoTime() - t0) / 1_000_000;
        Thread.sleep(1000); // anything late would show now
        assertThat(establishedSince()).as(what + ": session").isEqualTo(session);
        assertThat(router.events()).as(what + ": UPDATEs the router received").isEmpty();
        assertThat(converged(null)).as(what + ": the router's table").isTrue();
        System.out.printf("[bundle-swap] %s update: status back with %,d routes in %d ms; session kept, 0 UPDATEs%n",
                what, want.size(), ms);
    }

    /** A swap the router sees as a graceful restart: a new session, no withdrawal, the whole table again. */
    private static void gracefulSwap(String what, Action action) throws Exception {
        Instant session = establishedSince();
        router.clearEvents();
        long t0 = System.nanoTime();
        action.run();
        await(what + ": new session with the whole table").atMost(CONVERGE).pollInterval(Duration.ofMillis(20))
                .until(() -> converged(session));
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertThat(prefixesOf(RouteEvent.Kind.WITHDRAW)).as(what + ": withdrawals").isEmpty();
        System.out.printf("[bundle-swap] %s: new session, End-of-RIB, %,d routes none stale, 0 withdrawals, in "
                + "%d ms%n", what, want.size(), ms);
    }

    private static Set<String> prefixesOf(RouteEvent.Kind kind) {
        Set<String> out = new HashSet<>();
        for (RouteEvent e : router.events()) {
            if (e.kind() == kind) {
                out.add(e.prefix());
            }
        }
        return out;
    }

    private static Instant establishedSince() {
        return router.session(agent).flatMap(SessionInfo::establishedSince).orElseThrow();
    }

    /** A session (newer than {@code after}, if given) sent End-of-RIB and the router holds exactly the table. */
    private static boolean converged(Instant after) {
        return dev.herald.it.peers.PeerTables.freshAndExactly(router, agent, want, after);
    }

    /** Every bundle is active, or replaced by an active one of the same name (deploy/ over system/). */
    private static boolean allActive() {
        for (Bundle b : started.framework().getBundleContext().getBundles()) {
            if (b.getHeaders("").get("Fragment-Host") == null && b.getState() != Bundle.ACTIVE
                    && bundles(b.getSymbolicName()).stream().noneMatch(o -> o.getState() == Bundle.ACTIVE)) {
                return false;
            }
        }
        return true;
    }

    private static List<Bundle> bundles(String bsn) {
        return java.util.Arrays.stream(started.framework().getBundleContext().getBundles())
                .filter(b -> bsn.equals(b.getSymbolicName())).toList();
    }

    private static Bundle bundle(String bsn) {
        for (Bundle b : started.framework().getBundleContext().getBundles()) {
            if (bsn.equals(b.getSymbolicName())) {
                return b;
            }
        }
        throw new AssertionError("no bundle " + bsn);
    }

    /** The controller's AgentStatus service object, or null; its classes are the framework's, hence reflection. */
    private static Object agentStatus() throws Exception {
        BundleContext ctx = started.framework().getBundleContext();
        ServiceReference<?>[] refs = ctx.getAllServiceReferences("dev.herald.api.spi.AgentStatus", null);
        if (refs == null) {
            return null;
        }
        Object s = ctx.getService(refs[0]);
        ctx.ungetService(refs[0]);
        return s;
    }

    private static int routeCount(Object agentStatus) throws Exception {
        List<?> routes = (List<?>) agentStatus.getClass().getMethod("routes").invoke(agentStatus);
        Set<Object> prefixes = new HashSet<>();
        for (Object r : routes) {
            prefixes.add(r.getClass().getMethod("prefix").invoke(r));
        }
        return prefixes.size();
    }

    /** Runs a {@code herald:} Gogo command function as the shell would. */
    private static Object command(String function, Object... args) throws Exception {
        BundleContext ctx = started.framework().getBundleContext();
        ServiceReference<?>[] refs = ctx.getAllServiceReferences(null, "(osgi.command.scope=herald)");
        assertThat(refs).as("herald: commands").isNotNull().hasSize(1);
        Object commands = ctx.getService(refs[0]);
        try {
            for (var m : commands.getClass().getMethods()) {
                if (m.getName().equals(function) && m.getParameterCount() == args.length) {
                    return m.invoke(commands, args);
                }
            }
            throw new AssertionError("no function " + function + "/" + args.length);
        } finally {
            ctx.ungetService(refs[0]);
        }
    }
}
