package dev.herald.it.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.herald.bgp.session.FsmState;
import dev.herald.it.AgentProcess;
import dev.herald.it.Distribution;
import dev.herald.it.ListeningSockets;
import dev.herald.it.kube.MockCluster;
import dev.herald.it.peers.Daemons;
import dev.herald.simulator.peer.EmulatedPeer;
import dev.herald.simulator.peer.EmulatedPeerConfig;
import dev.herald.simulator.peer.EmulatedPeers;
import dev.herald.support.gobgp.GobgpdBinary;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Secrets and exposure (docs/robustness.md): the distribution's agent, on either backend, with a TCP-MD5 password
 * from the antrea-bgp-passwords Secret and a router that requires it. The test fails when the password shows in
 * anything the agent produced (its log files and output at DEBUG, the Events and BGPPolicy status it wrote, every
 * status API answer, the /metrics scrape), when a connection to the BGP port from an address that is not a
 * configured peer (or from the peer's address without the password) is taken, or when the status API or the
 * supervised gobgpd's gRPC API listens anywhere but on loopback.
 */
class SecretsAndExposureTest {
    private static final InetAddress ROUTER = address("127.0.25.1");
    private static final InetAddress STRANGER = address("127.0.0.99");
    private static final Duration CONVERGE = Duration.ofSeconds(60);
    /** The status API's answers, every endpoint (docs/bgp-policy.md, Status API). */
    private static final List<String> STATUS_PATHS = List.of("/healthz", "/readyz?verbose", "/bundles",
            "/components", "/bgppolicy", "/bgppeers", "/bgppeers?ipv4-only", "/bgproutes", "/nowhere");

    @TempDir
    Path tmp;

    private static InetAddress address(String a) {
        try {
            return InetAddress.getByName(a);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @ParameterizedTest(name = "{0} backend")
    @ValueSource(strings = {"native", "gobgp"})
    void thePasswordShowsNowhereOnlyConfiguredPeersAreAnsweredAndApisStayOnLoopback(String backend)
            throws Exception {
        if (backend.equals("gobgp")) {
            Daemons.assumeInstalled("gobgpd", GobgpdBinary.installed());
        }
        byte[] random = new byte[6];
        new SecureRandom().nextBytes(random);
        String password = "hrld-pw-" + HexFormat.of().formatHex(random);
        int bgpPort = Daemons.freePort();
        int metricsPort = Daemons.freePort();
        try (MockCluster cluster = new MockCluster(tmp.resolve("cluster")); EmulatedPeers peers = new EmulatedPeers()) {
            EmulatedPeer router = peers.add(EmulatedPeerConfig.of("r1", ROUTER, Daemons.freePort(), 65000,
                    "10.255.255.1").withPassword(password));
            cluster.node("node1", "127.0.0.1", Map.of("bgp", "enabled"), "10.244.1.0/24");
            cluster.apply(secret(password));
            cluster.applyBgpPolicy(policy(bgpPort, router.localAddress().getPort()));
            cluster.apply("""
                    apiVersion: v1
                    kind: Service
                    metadata: {name: web, namespace: default}
                    spec: {clusterIP: 10.96.0.10, clusterIPs: [10.96.0.10], ports: [{port: 80}]}
                    """);

            Path home = Distribution.copy(tmp, "herald");
            assertThat(Files.readAllLines(home.resolve("etc/herald.cfg"))).as("the shipped status.address")
                    .contains("status.address = 127.0.0.1:8179");
            Distribution.connect(home, cluster, "node1");
            Distribution.setting(home, "backend", backend);
            Distribution.setting(home, "metrics.address", "127.0.0.1:" + metricsPort);
            debugLogging(home);
            try (AgentProcess agent = AgentProcess.start(home)) { // status.address: the shipped host, a free port
                agent.awaitReady(CONVERGE);
                awaitSession(router, true, agent);

                // the Secret goes while in use, and comes back
                cluster.client().secrets().inNamespace("kube-system").withName("antrea-bgp-passwords").delete();
                awaitSession(router, false, agent);
                cluster.apply(secret(password));
                awaitSession(router, true, agent);

                connectionsFromElsewhereAreNotSessions(bgpPort);
                apisListenOnLoopbackOnly(agent, backend, bgpPort);

                Map<String, String> produced = produced(agent, cluster, metricsPort);
                assertThat(produced.get("status API /bgppeers")).contains("127.0.25.1").contains("Established");
                assertThat(produced.get("metrics")).contains("herald_build_info");
                assertThat(produced.get("Events")).contains("BgpPeerPasswordRemoved")
                        .contains("data[127.0.25.9-65009] is " + (password.length() + 80) + " bytes long");
                assertThat(produced.get("log/herald.log")).contains("DEBUG");
                assertNowhere(password, produced);
                // the check finds the password where it is meant to be: in the Secret itself (base64)
                String stored = Serialization.asJson(cluster.client().secrets().inNamespace("kube-system")
                        .withName("antrea-bgp-passwords").get());
                assertThatThrownBy(() -> assertNowhere(password, Map.of("the Secret", stored)))
                        .isInstanceOf(AssertionError.class).hasMessageContaining("the Secret");

                assertThat(agent.terminate(Duration.ofSeconds(20))).isZero();
                assertNowhere(password, logs(home));
            }
        }
    }

    private static String secret(String password) {
        // the second entry cannot be a key (longer than 80 bytes): its problem is reported, its value must not be
        return """
                apiVersion: v1
                kind: Secret
                metadata: {name: antrea-bgp-passwords, namespace: kube-system}
                stringData: {127.0.25.1-65000: %s, 127.0.25.9-65009: %s}
                """.formatted(password, password + "x".repeat(80));
    }

    private static String policy(int listenPort, int routerPort) {
        return """
                apiVersion: crd.antrea.io/v1alpha1
                kind: BGPPolicy
                metadata: {name: exposure}
                spec:
                  nodeSelector: {matchLabels: {bgp: enabled}}
                  localASN: 64512
                  listenPort: %d
                  advertisements: {service: {ipTypes: [ClusterIP]}, pod: {}}
                  bgpPeers:
                    - {address: 127.0.25.1, asn: 65000, port: %d}
                    - {address: 127.0.25.9, asn: 65009, port: %d}
                """.formatted(listenPort, routerPort, routerPort);
    }

    /** Herald's own code logs at DEBUG: what an operator switches on to look closer must not show the password. */
    private static void debugLogging(Path home) throws IOException {
        Path logback = home.resolve("etc/logback.xml");
        String xml = Files.readString(logback);
        Files.writeString(logback, xml.replace("<root level=\"INFO\">",
                "<logger name=\"dev.herald\" level=\"DEBUG\"/>\n  <root level=\"INFO\">"));
    }

    private static void awaitSession(EmulatedPeer router, boolean up, AgentProcess agent) {
        try {
            await("a session with the router " + (up ? "up" : "down")).atMost(CONVERGE)
                    .pollInterval(Duration.ofMillis(200)).until(() -> router.sessions().stream()
                            .anyMatch(s -> s.state() == FsmState.ESTABLISHED) == up);
        } catch (RuntimeException | AssertionError e) {
            throw new AssertionError(e.getMessage() + "\nsessions: " + router.sessions() + "\nagent:\n"
                    + quietly(agent), e);
        }
    }

    private static String quietly(AgentProcess agent) {
        try {
            return agent.log();
        } catch (IOException e) {
            return "(" + e + ")";
        }
    }

    /**
     * A connection to the BGP port from an address that is no configured peer is closed before anything is said;
     * one from the peer's address without the password is never accepted (the kernel drops its SYN, TCP-MD5).
     */
    private static void connectionsFromElsewhereAreNotSessions(int bgpPort) throws IOException {
        try (Socket s = new Socket()) {
            s.bind(new InetSocketAddress(STRANGER, 0));
            s.connect(new InetSocketAddress("127.0.0.1", bgpPort), 3000);
            s.setSoTimeout(5000);
            // it may be closed already; an OPEN would start with 16 bytes of 0xff: it must end with nothing at all
            InputStream in = s.getInputStream();
            int first;
            try {
                s.getOutputStream().write(openFrom(65099));
                first = in.read();
            } catch (SocketTimeoutException e) {
                throw new AssertionError("a connection from 127.0.0.99, no configured peer, was kept open 5 s", e);
            } catch (IOException e) {
                first = -1; // reset: refused as well
            }
            assertThat(first).as("bytes sent to 127.0.0.99, no configured peer").isEqualTo(-1);
        }
        try (Socket s = new Socket()) {
            s.bind(new InetSocketAddress(ROUTER, 0));
            assertThatThrownBy(() -> s.connect(new InetSocketAddress("127.0.0.1", bgpPort), 3000))
                    .as("a connection from the peer's address without its TCP-MD5 password")
                    .isInstanceOf(SocketTimeoutException.class);
        }
    }

    /** A minimal BGP OPEN (RFC 4271 §4.2): version 4, the AS, hold time 90, BGP identifier 127.0.0.99. */
    private static byte[] openFrom(int asn) {
        byte[] m = new byte[29];
        java.util.Arrays.fill(m, 0, 16, (byte) 0xff);
        m[17] = 29;
        m[18] = 1;
        m[19] = 4;
        m[20] = (byte) (asn >> 8);
        m[21] = (byte) asn;
        m[23] = 90;
        m[24] = 127;
        m[27] = 99;
        return m;
    }

    /**
     * Every TCP socket the agent's JVM, or a gobgpd it supervises, listens on is on loopback, but the BGP port (which
     * routers must reach). The status API's is there; gobgpd's gRPC API is one of its sockets.
     */
    private static void apisListenOnLoopbackOnly(AgentProcess agent, String backend, int bgpPort) throws IOException {
        List<InetSocketAddress> jvm = ListeningSockets.of(agent.process.pid());
        assertThat(jvm).as("the status API").contains(new InetSocketAddress("127.0.0.1", agent.statusPort));
        assertThat(jvm).filteredOn(a -> a.getPort() != bgpPort).as("the agent's listening sockets but BGP")
                .allSatisfy(a -> assertThat(a.getAddress().isLoopbackAddress()).as(a.toString()).isTrue());
        if (backend.equals("gobgp")) {
            List<ProcessHandle> gobgpd = agent.process.descendants().filter(p -> p.info().command()
                    .map(c -> c.endsWith("gobgpd")).orElse(false)).toList();
            assertThat(gobgpd).as("the supervised gobgpd").hasSize(1);
            List<InetSocketAddress> daemon = ListeningSockets.of(gobgpd.get(0).pid());
            List<InetSocketAddress> api = daemon.stream().filter(a -> a.getPort() != bgpPort).toList();
            assertThat(api).as("gobgpd's gRPC API").isNotEmpty().allSatisfy(a ->
                    assertThat(a.getAddress().isLoopbackAddress()).as(a.toString()).isTrue());
        }
    }

    /** Everything the agent produced, by where it came from. */
    private static Map<String, String> produced(AgentProcess agent, MockCluster cluster, int metricsPort)
            throws IOException {
        Map<String, String> out = new LinkedHashMap<>(logs(agent.home));
        var client = cluster.client();
        out.put("Events", Serialization.asJson(client.v1().events().inAnyNamespace().list().getItems()));
        out.put("BGPPolicies", Serialization.asJson(client.genericKubernetesResources(MockCluster.BGP_POLICIES)
                .list().getItems()));
        out.put("Nodes", Serialization.asJson(client.nodes().list().getItems()));
        for (String path : STATUS_PATHS) {
            out.put("status API " + path, agent.get(path).map(r -> r.statusCode() + " " + r.body())
                    .orElseThrow(() -> new AssertionError("no answer to " + path)));
        }
        out.put("metrics", AgentProcess.get(metricsPort, "/metrics").map(r -> r.body())
                .orElseThrow(() -> new AssertionError("no /metrics")));
        return out;
    }

    /** The agent's log files and console output. */
    private static Map<String, String> logs(Path home) throws IOException {
        Map<String, String> out = new LinkedHashMap<>();
        List<Path> files = new ArrayList<>();
        try (Stream<Path> logs = Files.list(home.resolve("log"))) {
            logs.sorted().forEach(files::add);
        }
        files.add(home.resolve("stdout.txt"));
        for (Path f : files) {
            out.put(home.relativize(f).toString(), Files.readString(f, StandardCharsets.UTF_8));
        }
        return out;
    }

    /** The password, as text, base64 or hex: in none of them. */
    private static void assertNowhere(String password, Map<String, String> produced) {
        byte[] bytes = password.getBytes(StandardCharsets.UTF_8);
        List<String> forms = List.of(password, Base64.getEncoder().encodeToString(bytes),
                HexFormat.of().formatHex(bytes));
        produced.forEach((where, text) -> {
            assertThat(text).as(where + " is empty: nothing to look into").isNotBlank();
            for (String form : forms) {
                assertThat(text).as("the password (%s) in %s", form, where).doesNotContain(form);
            }
        });
    }
}
