package dev.herald.it.tck;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.herald.api.Addresses;
import dev.herald.api.GlobalConfig;
import dev.herald.api.PeerConfig;
import dev.herald.api.PeerCounters;
import dev.herald.api.PeerKey;
import dev.herald.api.PeerStatus;
import dev.herald.api.Route;
import dev.herald.api.RouteType;
import dev.herald.api.SessionState;
import dev.herald.api.spi.BgpException;
import dev.herald.api.spi.BgpServer;
import dev.herald.api.spi.BgpServerFactory;
import dev.herald.api.spi.StopMode;
import dev.herald.it.peers.BirdDaemon;
import dev.herald.it.peers.BirdDaemon.Protocol;
import dev.herald.it.peers.Daemons;
import inet.ipaddr.IPAddress;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

/**
 * The conformance suite (TCK) of the {@link BgpServer} SPI: what every backend must do, checked against a real BIRD
 * 2 on loopback. A backend joins by subclassing this class and saying how its servers are made ({@link #factory()});
 * a backend that runs a daemon of its own also says how to kill it ({@link #supervisesDaemon()},
 * {@link #killDaemon(BgpServer)}). See docs/backends.md.
 *
 * <p>One BIRD serves the whole class: one BGP protocol (session) per role, told apart by the address Herald's server
 * listens on (and, for two sessions to the same server, by BIRD's own address):
 *
 * <table>
 *   <caption>BIRD's sessions</caption>
 *   <tr><th>protocol</th><th>BIRD</th><th>Herald server</th><th>what is special</th></tr>
 *   <tr><td>{@code main4}</td><td>127.0.0.2</td><td>127.0.0.1</td><td>graceful restart on</td></tr>
 *   <tr><td>{@code main6}</td><td>::1</td><td>::1</td><td></td></tr>
 *   <tr><td>{@code gtsm}</td><td>127.0.0.2</td><td>127.0.0.3</td><td>GTSM (arrival TTL &ge; 192), hold 6 s</td></tr>
 *   <tr><td>{@code passv}</td><td>127.0.0.5</td><td>127.0.0.3</td><td>passive: only Herald connects</td></tr>
 *   <tr><td>{@code signed}</td><td>127.0.0.2</td><td>127.0.0.4</td><td>TCP-MD5 password</td></tr>
 *   <tr><td>{@code renew}</td><td>127.0.0.2</td><td>127.0.0.7</td><td>reconfigured to a new port and AS</td></tr>
 * </table>
 *
 * <p>Every session retries within a second on BIRD's side, so sessions come up as fast as the backend lets them.
 * Each test uses its own prefixes and stops its servers; waits are bounded.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 120, unit = TimeUnit.SECONDS)
public abstract class BgpServerConformanceTest {
    /** How long a session may take to come up or go down, and routes to arrive or leave. */
    protected static final Duration SESSION = Duration.ofSeconds(30);
    /** How long a session that must not come up is given to prove it. */
    private static final Duration NEVER = Duration.ofSeconds(2);

    private static final String BIRD_ID = "10.255.0.2";
    private static final long BIRD_AS = 65000;
    private static final String BIRD4 = "127.0.0.2";
    private static final String BIRD4_PASSIVE = "127.0.0.5";
    private static final String BIRD6 = "::1";
    private static final long HERALD_AS = 65001;
    private static final String HERALD_ID = "10.255.0.1";
    private static final String MAIN4 = "127.0.0.1";
    private static final String MAIN6 = "::1";
    private static final String UPDATES = "127.0.0.3";
    private static final String MD5 = "127.0.0.4";
    private static final String RESTART = "127.0.0.7";
    private static final String KEY = "s3cret-key";
    /** What BIRD shows while it keeps a restarting neighbour's routes as stale (RFC 4724 receiving speaker). */
    private static final String GR_ACTIVE = "Neighbor graceful restart active";

    private BirdDaemon bird;
    private int birdPort;
    private int main4Port;
    private int main6Port;
    private int updatesPort;
    private int md5Port;
    private int restartPort;
    private final Map<String, Protocol> initialProtocols = new LinkedHashMap<>();
    private final Map<String, Protocol> protocols = new LinkedHashMap<>();
    private final List<BgpServer> servers = new ArrayList<>();

    // ---- what a backend says about itself ----

    /** The backend under test. */
    protected abstract BgpServerFactory factory();

    /**
     * Skips the class (or, with {@code HERALD_REQUIRE_DAEMONS=1}, fails it) when the backend needs software that is
     * not installed; see {@link Daemons#assumeInstalled}.
     */
    protected void assumeBackendInstalled() {
    }

    /** Whether this server can sign its sessions with TCP-MD5 (RFC 2385); the password test is skipped otherwise. */
    protected boolean supportsPassword(BgpServer server) {
        return true;
    }

    /** Whether the backend runs a daemon of its own that {@link #killDaemon} can kill. */
    protected boolean supervisesDaemon() {
        return false;
    }

    /** Kills the daemon behind a started server as a crash would (SIGKILL), and returns once it is dead. */
    protected void killDaemon(BgpServer server) {
        throw new UnsupportedOperationException("this backend runs no daemon");
    }

    // ---- one BIRD for the class ----

    @BeforeAll
    void startBird() throws Exception {
        Daemons.assumeInstalled("bird2", BirdDaemon.installed());
        assumeBackendInstalled();
        birdPort = Daemons.freePort();
        main4Port = Daemons.freePort();
        main6Port = Daemons.freePort();
        updatesPort = Daemons.freePort();
        md5Port = Daemons.freePort();
        restartPort = Daemons.freePort();
        List<Protocol> all = List.of(
                Protocol.of("main4", BIRD4, birdPort, BIRD_AS, MAIN4, main4Port, HERALD_AS)
                        .with("graceful restart on").with("graceful restart time 120"),
                Protocol.of("main6", BIRD6, birdPort, BIRD_AS, MAIN6, main6Port, HERALD_AS),
                // GTSM (RFC 5082): with multihop's 64 hops BIRD drops packets that arrive with a TTL below 192. A
                // TTL-1 session may get half-way up before BIRD applies the minimum; a short hold time ends it soon
                Protocol.of("gtsm", BIRD4, birdPort, BIRD_AS, UPDATES, updatesPort, HERALD_AS)
                        .with("ttl security yes").with("hold time 6"),
                // BIRD runs one session per neighbour address and port at a time: a passive session never
                // connects, so another port keeps it apart from gtsm's
                Protocol.of("passv", BIRD4_PASSIVE, birdPort, BIRD_AS, UPDATES, Daemons.freePort(), HERALD_AS)
                        .with("passive yes"),
                Protocol.of("signed", BIRD4, birdPort, BIRD_AS, MD5, md5Port, HERALD_AS)
                        .with("password \"" + KEY + "\""),
                Protocol.of("renew", BIRD4, birdPort, BIRD_AS, RESTART, restartPort, HERALD_AS));
        all.forEach(p -> initialProtocols.put(p.name(), p));
        protocols.putAll(initialProtocols);
        Path dir = Path.of("target", "tck", getClass().getSimpleName()).toAbsolutePath();
        dev.herald.it.Folders.deleteTree(dir);
        bird = BirdDaemon.start(dir, BIRD_ID, List.copyOf(protocols.values()));
    }

    @AfterEach
    void stopServersAndRestoreBird() throws Exception {
        for (BgpServer s : servers) {
            try {
                s.stop();
            } catch (RuntimeException e) {
                // already stopped, or broken by the test: nothing more to do
            }
        }
        servers.clear();
        if (!bird.isAlive()) {
            bird = bird.restart();
        }
        if (!protocols.equals(initialProtocols)) {
            protocols.clear();
            protocols.putAll(initialProtocols);
            bird.reconfigure(List.copyOf(protocols.values()));
        }
    }

    @AfterAll
    void stopBird() throws Exception {
        if (bird != null) {
            bird.close();
        }
    }

    // ---- the suite ----

    @Test
    void startsOnceListensAndStopsForGood() throws Exception {
        GlobalConfig config = config(HERALD_AS, HERALD_ID, MAIN4, main4Port);
        BgpServer s = server(config);
        assertThat(s.config()).isEqualTo(config);
        assertThat(listening(MAIN4, main4Port)).as("creating a server opens no socket").isFalse();

        s.start();
        s.start(); // a second start does nothing
        await().atMost(SESSION).until(() -> listening(MAIN4, main4Port));
        assertThat(s.peers()).isEmpty();
        assertThat(s.routes()).isEmpty();

        s.addPeer(main4Peer());
        Route route = Route.of("10.1.0.1", RouteType.SERVICE_CLUSTER_IP, "default/web");
        s.advertise(List.of(route));
        await().atMost(SESSION).untilAsserted(() -> assertThat(bird.routes("main4")).containsKey("10.1.0.1/32"));

        s.stop();
        // a Cease: BIRD drops the routes at once, though it would keep them for a graceful restart
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(bird.routeCount("main4")).isZero());
        await().atMost(Duration.ofSeconds(10)).until(() -> !listening(MAIN4, main4Port));
        s.stop(); // a second stop does nothing
        s.stop(StopMode.GRACEFUL_RESTART);
        assertThatThrownBy(s::start).as("a stopped server cannot start again").isInstanceOf(BgpException.class);
        assertThatThrownBy(() -> s.advertise(List.of(route))).isInstanceOf(BgpException.class);
        assertThatThrownBy(() -> s.addPeer(main4Peer())).isInstanceOf(BgpException.class);

        // a server that never started stops quietly
        server(config(HERALD_AS, HERALD_ID, MAIN4, main4Port)).stop();
    }

    @Test
    void advertisesAndWithdrawsIpv4AndIpv6Batches() throws Exception {
        BgpServer v4 = started(config(HERALD_AS, HERALD_ID, MAIN4, main4Port));
        v4.addPeer(main4Peer());
        BgpServer v6 = started(config(HERALD_AS, HERALD_ID, MAIN6, main6Port));
        v6.addPeer(main6Peer());

        List<Route> batch4 = new ArrayList<>(hosts4(20, 500));
        batch4.add(Route.of("10.244.20.0/24", RouteType.NODE_IPAM_POD_CIDR, null));
        List<Route> few4 = hosts4(21, 3); // small batches too (backends may send those another way)
        List<Route> batch6 = new ArrayList<>(hosts6(0x20, 200));
        batch6.add(Route.of("fd00:244:20::/64", RouteType.NODE_IPAM_POD_CIDR, null));
        v4.advertise(batch4);
        v4.advertise(few4);
        v6.advertise(batch6);
        List<Route> all4 = concat(batch4, few4);

        await().atMost(SESSION).untilAsserted(() -> {
            assertThat(bird.routes("main4").keySet()).isEqualTo(prefixes(all4));
            assertThat(bird.routes("main6").keySet()).isEqualTo(prefixes(batch6));
        });
        Map<String, BirdDaemon.BirdRoute> in4 = bird.routes("main4");
        Map<String, BirdDaemon.BirdRoute> in6 = bird.routes("main6");
        assertThat(in4.keySet()).isEqualTo(prefixes(all4));
        assertThat(in6.keySet()).isEqualTo(prefixes(batch6));
        // ORIGIN IGP, our AS as the path, and the session address as next hop
        assertThat(in4.get("10.20.0.1/32").nextHop()).isEqualTo(MAIN4);
        assertThat(in4.get("10.20.0.1/32").asPath()).isEqualTo(Long.toString(HERALD_AS));
        assertThat(in4.get("10.244.20.0/24").asPath()).isEqualTo(Long.toString(HERALD_AS));
        assertThat(in6.get("fd00:20::1/128").nextHop()).isEqualTo(MAIN6);
        assertThat(in6.get("fd00:244:20::/64").asPath()).isEqualTo(Long.toString(HERALD_AS));
        assertThat(bird.birdc("show route protocol main4 where bgp_origin != ORIGIN_IGP count"))
                .as("routes with another ORIGIN than IGP").containsPattern("(?m)^0 of \\d+ routes");

        assertThat(v4.routes()).isEqualTo(Set.copyOf(all4));
        assertThat(v6.routes()).isEqualTo(Set.copyOf(batch6));
        await().atMost(SESSION).untilAsserted(() -> {
            assertThat(status(v4, main4Peer().key()).prefixesSent()).isEqualTo(all4.size());
            assertThat(status(v6, main6Peer().key()).prefixesSent()).isEqualTo(batch6.size());
        });
        assertRoutesByPeer(v4, main4Peer().key(), all4);
        assertRoutesByPeer(v6, main6Peer().key(), batch6);

        // withdraw matches by prefix only: type and owner may differ from what was advertised
        List<Route> gone4 = new ArrayList<>(relabel(batch4.subList(0, 300)));
        gone4.add(few4.get(0));
        List<Route> gone6 = new ArrayList<>(relabel(batch6.subList(0, 100)));
        gone6.add(Route.of("fd00:244:20::/64", RouteType.SERVICE_EXTERNAL_IP, "other/owner"));
        v4.withdraw(gone4);
        v6.withdraw(gone6);
        List<Route> left4 = minus(all4, gone4);
        List<Route> left6 = minus(batch6, gone6);
        await().atMost(SESSION).untilAsserted(() -> {
            assertThat(bird.routes("main4").keySet()).isEqualTo(prefixes(left4));
            assertThat(bird.routes("main6").keySet()).isEqualTo(prefixes(left6));
        });
        assertThat(v4.routes()).isEqualTo(Set.copyOf(left4));
        assertThat(v6.routes()).isEqualTo(Set.copyOf(left6));
        await().atMost(SESSION).untilAsserted(() -> {
            assertThat(status(v4, main4Peer().key()).prefixesSent()).isEqualTo(left4.size());
            assertThat(status(v6, main6Peer().key()).prefixesSent()).isEqualTo(left6.size());
        });
        assertRoutesByPeer(v4, main4Peer().key(), left4);
        assertRoutesByPeer(v6, main6Peer().key(), left6);
    }

    @Test
    void repeatedCallsChangeNothing() throws Exception {
        PeerConfig peer = main4Peer();
        BgpServer s = server(config(HERALD_AS, HERALD_ID, MAIN4, main4Port));
        s.start();
        s.start();
        s.addPeer(peer);
        s.addPeer(peer);
        List<Route> batch = hosts4(30, 100);
        s.advertise(batch);
        await().atMost(SESSION).untilAsserted(() -> {
            assertThat(bird.routeCount("main4")).isEqualTo(batch.size());
            assertThat(status(s, peer.key()).state()).isEqualTo(SessionState.ESTABLISHED);
        });
        String birdSince = bird.protocolSince("main4");
        Optional<Instant> since = status(s, peer.key()).establishedSince();
        long updatesBefore = importCounter(bird.protocolDetails("main4"), "Import updates");

        s.advertise(batch);
        s.advertise(batch.subList(0, 10));
        s.addPeer(peer);
        s.withdraw(batch.subList(0, 50));
        s.withdraw(batch.subList(0, 50));
        s.withdraw(List.of(Route.of("10.30.99.99", RouteType.EGRESS_IP, "never-advertised")));
        s.removePeer(PeerKey.of("127.0.0.9", BIRD_AS)); // never added
        s.removePeer(PeerKey.of(BIRD4, 64999)); // never added either: same address as the peer, another AS
        s.start();

        List<Route> left = batch.subList(50, 100);
        await().atMost(SESSION).untilAsserted(
                () -> assertThat(bird.routes("main4").keySet()).isEqualTo(prefixes(left)));
        assertThat(s.routes()).isEqualTo(Set.copyOf(left));
        assertThat(s.peers()).extracting(PeerStatus::config).containsExactly(peer);
        // none of it touched the session, and the repeats sent nothing: BIRD counts every route it receives
        assertThat(bird.protocolSince("main4")).isEqualTo(birdSince);
        assertThat(status(s, peer.key()).establishedSince()).isEqualTo(since);
        String details = bird.protocolDetails("main4");
        assertThat(importCounter(details, "Import updates")).as("route updates BIRD received")
                .isEqualTo(updatesBefore);
        assertThat(importCounter(details, "Import withdraws")).as("withdrawals BIRD received").isEqualTo(50);
    }

    @Test
    void peersAreAddedUpdatedAndRemoved() throws Exception {
        BgpServer s = started(config(HERALD_AS, HERALD_ID, UPDATES, updatesPort));
        // wrong at first: TTL 1 where BIRD wants 255 (GTSM); a port nobody listens on, and BIRD does not connect
        PeerConfig ttlPeer = PeerConfig.of(BIRD4, BIRD_AS).withPort(birdPort);
        PeerConfig portPeer = PeerConfig.of(BIRD4_PASSIVE, BIRD_AS).withPort(Daemons.freePort());
        s.addPeer(portPeer);
        s.addPeer(ttlPeer);
        Route route = Route.of("10.40.0.1", RouteType.SERVICE_LOAD_BALANCER_IP, "default/lb");
        s.advertise(List.of(route));
        assertThat(s.peers()).extracting(PeerStatus::config).containsExactly(ttlPeer, portPeer); // PeerKey order
        assertThatThrownBy(() -> s.updatePeer(PeerConfig.of("127.0.0.9", BIRD_AS)))
                .as("updating a peer that was never added").isInstanceOf(BgpException.class);

        Thread.sleep(NEVER.toMillis());
        PeerStatus unreachable = status(s, portPeer.key());
        assertThat(unreachable.state()).isNotEqualTo(SessionState.ESTABLISHED);
        assertThat(unreachable.establishedSince()).isEmpty();
        assertThat(unreachable.prefixesSent()).isZero();
        // only BIRD's side of the TTL session is sure to stay down: BIRD sets GTSM's minimum TTL on a socket it
        // accepted after accepting it, so an OPEN sent at once may slip through and Herald's side see Established
        assertThat(bird.protocolState("gtsm")).isNotEqualTo("Established");
        assertThat(bird.protocolState("passv")).isNotEqualTo("Established");
        assertThat(bird.routeCount("gtsm") + bird.routeCount("passv")).isZero();

        // the right port and TTL: both sessions come up and get the route
        PeerConfig portRight = portPeer.withPort(birdPort);
        PeerConfig ttlRight = ttlPeer.withMultihopTtl(255);
        s.updatePeer(portRight);
        s.updatePeer(ttlRight);
        await().atMost(SESSION).untilAsserted(() -> {
            assertThat(bird.protocolState("gtsm")).isEqualTo("Established");
            assertThat(bird.routes("gtsm")).containsKey("10.40.0.1/32");
        });
        assertThat(neighborRestartTime(bird.protocolDetails("gtsm"))).isEqualTo(120);

        // a new graceful-restart time travels in a new OPEN (meanwhile Herald connects to the passive session)
        PeerConfig ttlGr = ttlRight.withGracefulRestartTimeSeconds(90);
        s.updatePeer(ttlGr);
        await().atMost(SESSION).untilAsserted(() -> {
            assertThat(bird.protocolState("gtsm")).isEqualTo("Established");
            assertThat(neighborRestartTime(bird.protocolDetails("gtsm"))).isEqualTo(90);
            assertThat(bird.routes("gtsm")).containsKey("10.40.0.1/32");
        });
        await().atMost(SESSION).untilAsserted(() -> {
            assertThat(bird.protocolState("passv")).isEqualTo("Established");
            assertThat(bird.routes("passv")).containsKey("10.40.0.1/32");
        });
        await().atMost(SESSION).untilAsserted(() -> assertThat(s.peers())
                .allSatisfy(p -> assertThat(p.state()).isEqualTo(SessionState.ESTABLISHED))
                .extracting(PeerStatus::config).containsExactly(ttlGr, portRight));

        // removed: the session ends and BIRD drops what it learned over it
        s.removePeer(portRight.key());
        assertThat(s.peers()).extracting(PeerStatus::key).containsExactly(ttlGr.key());
        await().atMost(SESSION).untilAsserted(() -> {
            assertThat(bird.protocolState("passv")).isNotEqualTo("Established");
            assertThat(bird.routeCount("passv")).isZero();
        });
        s.removePeer(ttlGr.key());
        assertThat(s.peers()).isEmpty();
        await().atMost(SESSION).untilAsserted(() -> assertThat(bird.routeCount("gtsm")).isZero());
        assertThat(s.routes()).containsExactly(route); // routes stay, for peers to come
    }

    @Test
    void aPasswordSignsTheSessionAndAChangedOneTakesEffect() throws Exception {
        BgpServer s = server(config(HERALD_AS, HERALD_ID, MD5, md5Port));
        Assumptions.assumeTrue(supportsPassword(s), "this server cannot sign sessions with TCP-MD5");
        s.start();
        PeerConfig wrong = PeerConfig.of(BIRD4, BIRD_AS).withPort(birdPort).withPassword("not-the-key");
        s.addPeer(wrong);
        s.advertise(List.of(Route.of("10.50.0.1", RouteType.EGRESS_IP, "egress-a")));
        // the kernel drops every segment with a bad signature, both ways
        Thread.sleep(NEVER.toMillis());
        assertThat(status(s, wrong.key()).state()).isNotEqualTo(SessionState.ESTABLISHED);
        assertThat(bird.protocolState("signed")).isNotEqualTo("Established");
        assertThat(bird.routeCount("signed")).isZero();

        PeerConfig right = wrong.withPassword(KEY);
        s.updatePeer(right);
        await().atMost(SESSION).untilAsserted(() -> {
            assertThat(bird.routes("signed")).containsKey("10.50.0.1/32");
            assertThat(status(s, right.key()).state()).isEqualTo(SessionState.ESTABLISHED);
        });

        // without a password the session cannot stay: BIRD insists on one
        PeerConfig none = right.withPassword(null);
        s.updatePeer(none);
        await().atMost(SESSION).untilAsserted(() -> {
            assertThat(bird.protocolState("signed")).isNotEqualTo("Established");
            assertThat(bird.routeCount("signed")).isZero();
        });
        assertThat(status(s, none.key()).config().password()).isEmpty();
    }

    @Test
    void aRestartWithANewRouterIdPortAndAsnReachesBird() throws Exception {
        Route route = Route.of("10.60.0.1", RouteType.SERVICE_CLUSTER_IP, "default/a");
        PeerConfig peer = PeerConfig.of(BIRD4, BIRD_AS).withPort(birdPort);
        BgpServer first = started(config(HERALD_AS, HERALD_ID, RESTART, restartPort));
        first.addPeer(peer);
        first.advertise(List.of(route));
        await().atMost(SESSION).untilAsserted(() -> {
            assertThat(asPathOf("renew", "10.60.0.1/32")).isEqualTo("65001");
            assertThat(neighbor(bird.protocolDetails("renew"), "Neighbor ID")).isEqualTo(HERALD_ID);
        });
        first.stop();
        await().atMost(SESSION).untilAsserted(() -> assertThat(bird.routeCount("renew")).isZero());

        // a new router ID
        BgpServer second = started(config(HERALD_AS, "10.255.0.9", RESTART, restartPort));
        second.addPeer(peer);
        second.advertise(List.of(route));
        await().atMost(SESSION).untilAsserted(() -> {
            assertThat(bird.routes("renew")).containsKey("10.60.0.1/32");
            assertThat(neighbor(bird.protocolDetails("renew"), "Neighbor ID")).isEqualTo("10.255.0.9");
        });
        second.stop();
        await().atMost(SESSION).untilAsserted(() -> assertThat(bird.routeCount("renew")).isZero());

        // a new port and a new AS; BIRD is told both
        int newPort = Daemons.freePort();
        reconfigureBird(protocols.get("renew").withNeighbor(newPort, 65002));
        BgpServer third = started(config(65002, "10.255.0.10", RESTART, newPort));
        await().atMost(SESSION).until(() -> listening(RESTART, newPort));
        assertThat(listening(RESTART, restartPort)).isFalse();
        third.addPeer(peer);
        third.advertise(List.of(route));
        await().atMost(SESSION).untilAsserted(() -> {
            assertThat(asPathOf("renew", "10.60.0.1/32")).isEqualTo("65002");
            assertThat(bird.protocolState("renew")).isEqualTo("Established");
        });
        String details = bird.protocolDetails("renew");
        assertThat(neighbor(details, "Neighbor AS")).isEqualTo("65002");
        assertThat(neighbor(details, "Neighbor ID")).isEqualTo("10.255.0.10");
    }

    @Test
    void peerStatesAndCountsFollowTheSession() throws Exception {
        PeerConfig peer = main4Peer();
        BgpServer s = started(config(HERALD_AS, HERALD_ID, MAIN4, main4Port));
        s.addPeer(peer);
        List<Route> batch = hosts4(70, 20);
        s.advertise(batch);
        await().atMost(SESSION).untilAsserted(() -> {
            PeerStatus st = status(s, peer.key());
            assertThat(st.state()).isEqualTo(SessionState.ESTABLISHED);
            assertThat(st.prefixesSent()).isEqualTo(batch.size());
        });
        PeerStatus up = status(s, peer.key());
        assertThat(up.config()).isEqualTo(peer);
        assertThat(up.establishedSince()).isPresent();
        assertThat(up.uptime(Instant.now())).isLessThan(Duration.ofMinutes(1));
        assertThat(up.messagesSent()).isPositive();
        assertThat(up.messagesReceived()).isPositive();
        assertThat(up.prefixesReceived()).isZero(); // BIRD exports nothing
        assertThat(bird.routes("main4").keySet()).isEqualTo(prefixes(batch));
        // the counters metrics read (docs/metrics.md): by message type, and one way into Established
        PeerCounters c = up.counters();
        assertThat(c.establishedTransitions()).isEqualTo(1);
        assertThat(c.sent(PeerCounters.MessageType.OPEN)).isPositive();
        assertThat(c.received(PeerCounters.MessageType.OPEN)).isPositive();
        assertThat(c.received(PeerCounters.MessageType.KEEPALIVE)).isPositive();
        assertThat(c.sent(PeerCounters.MessageType.UPDATE)).isPositive();

        // BIRD goes away: the session is down, nothing is counted as sent
        bird.close();
        await().atMost(SESSION).untilAsserted(() -> {
            PeerStatus st = status(s, peer.key());
            assertThat(st.state()).isNotEqualTo(SessionState.ESTABLISHED);
            assertThat(st.establishedSince()).isEmpty();
            assertThat(st.prefixesSent()).isZero();
        });
        assertThat(s.routes()).isEqualTo(Set.copyOf(batch));

        // and comes back: the session returns and the table is sent again
        bird = bird.restart();
        await().atMost(SESSION).untilAsserted(() -> {
            PeerStatus st = status(s, peer.key());
            assertThat(st.state()).isEqualTo(SessionState.ESTABLISHED);
            assertThat(st.prefixesSent()).isEqualTo(batch.size());
            assertThat(bird.routes("main4").keySet()).isEqualTo(prefixes(batch));
        });
        assertThat(status(s, peer.key()).establishedSince().get()).isAfter(up.establishedSince().get());
    }

    @Test
    void aGracefulRestartStopLeavesTheRoutesStaleUntilTheNextServerTakesOver() throws Exception {
        PeerConfig peer = main4Peer();
        BgpServer first = started(config(HERALD_AS, HERALD_ID, MAIN4, main4Port));
        first.addPeer(peer);
        List<Route> kept = hosts4(80, 5);
        List<Route> dropped = hosts4(81, 5);
        first.advertise(concat(kept, dropped));
        await().atMost(SESSION).untilAsserted(() -> assertThat(bird.routeCount("main4")).isEqualTo(10));

        first.stop(StopMode.GRACEFUL_RESTART);
        await().atMost(SESSION).until(() -> !bird.protocolState("main4").equals("Established"));
        Thread.sleep(500);
        assertThat(bird.routes("main4").keySet()).as("BIRD keeps the routes of a restarting speaker")
                .isEqualTo(prefixes(concat(kept, dropped)));
        assertThat(bird.protocolDetails("main4")).contains(GR_ACTIVE);

        // the next server advertises what is still wanted; End-of-RIB makes BIRD drop the rest
        BgpServer next = started(config(HERALD_AS, HERALD_ID, MAIN4, main4Port));
        next.addPeer(peer);
        next.advertise(kept);
        await().atMost(SESSION).untilAsserted(() -> {
            assertThat(bird.routes("main4").keySet()).isEqualTo(prefixes(kept));
            assertThat(bird.protocolDetails("main4")).doesNotContain(GR_ACTIVE);
        });
    }

    @Test
    void aKilledDaemonComesBackWithItsState() throws Exception {
        Assumptions.assumeTrue(supervisesDaemon(), "this backend runs no daemon of its own");
        PeerConfig peer = main4Peer();
        BgpServer s = started(config(HERALD_AS, HERALD_ID, MAIN4, main4Port));
        s.addPeer(peer);
        List<Route> batch = hosts4(90, 300);
        s.advertise(batch);
        await().atMost(SESSION).untilAsserted(() -> {
            assertThat(bird.routes("main4").keySet()).isEqualTo(prefixes(batch));
            assertThat(bird.protocolState("main4")).isEqualTo("Established");
        });
        String since = bird.protocolSince("main4");

        killDaemon(s);
        // BIRD (graceful restart on) keeps the routes as stale meanwhile; the new daemon refreshes them all
        await().atMost(SESSION).untilAsserted(() -> {
            assertThat(bird.protocolSince("main4")).isNotEqualTo(since);
            assertThat(bird.protocolState("main4")).isEqualTo("Established");
            assertThat(bird.routes("main4").keySet()).isEqualTo(prefixes(batch));
            assertThat(bird.protocolDetails("main4")).doesNotContain(GR_ACTIVE);
        });
        await().atMost(SESSION).untilAsserted(() -> {
            PeerStatus st = status(s, peer.key());
            assertThat(st.state()).isEqualTo(SessionState.ESTABLISHED);
            assertThat(st.prefixesSent()).isEqualTo(batch.size());
        });
        assertThat(s.routes()).isEqualTo(Set.copyOf(batch));

        // and it takes changes as before
        s.withdraw(batch.subList(0, 100));
        await().atMost(SESSION).untilAsserted(
                () -> assertThat(bird.routes("main4").keySet()).isEqualTo(prefixes(batch.subList(100, 300))));
    }

    // ---- helpers ----

    private BgpServer server(GlobalConfig config) {
        BgpServer s = factory().create(config);
        servers.add(s);
        return s;
    }

    private BgpServer started(GlobalConfig config) {
        BgpServer s = server(config);
        s.start();
        return s;
    }

    private static GlobalConfig config(long asn, String routerId, String listen, int port) {
        return new GlobalConfig(asn, Addresses.ipv4(routerId, "router ID"), port,
                Optional.of(Addresses.address(listen, "listen address")), Optional.empty(), true);
    }

    private PeerConfig main4Peer() {
        return PeerConfig.of(BIRD4, BIRD_AS).withPort(birdPort);
    }

    private PeerConfig main6Peer() {
        return PeerConfig.of(BIRD6, BIRD_AS).withPort(birdPort);
    }

    private void reconfigureBird(Protocol changed) throws Exception {
        protocols.put(changed.name(), changed);
        bird.reconfigure(List.copyOf(protocols.values()));
    }

    /** n host routes 10.{@code second}.x.y, 250 to a /24. */
    private static List<Route> hosts4(int second, int n) {
        List<Route> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(Route.of("10." + second + "." + (i / 250) + "." + (i % 250 + 1), RouteType.SERVICE_CLUSTER_IP,
                    "ns/svc-" + second + "-" + i));
        }
        return out;
    }

    /** n host routes fd00:{@code block}::i. */
    private static List<Route> hosts6(int block, int n) {
        List<Route> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(Route.of("fd00:" + Integer.toHexString(block) + "::" + Integer.toHexString(i + 1),
                    RouteType.SERVICE_CLUSTER_IP, "ns/v6-" + i));
        }
        return out;
    }

    /** The same prefixes with another type and owner. */
    private static List<Route> relabel(List<Route> routes) {
        return routes.stream().map(r -> new Route(r.prefix(), RouteType.SERVICE_EXTERNAL_IP, Optional.of("x/y")))
                .collect(Collectors.toList());
    }

    @SafeVarargs
    private static List<Route> concat(List<Route>... lists) {
        return Stream.of(lists).flatMap(List::stream).collect(Collectors.toList());
    }

    /** The routes of {@code all} whose prefix is not in {@code gone}. */
    private static List<Route> minus(List<Route> all, List<Route> gone) {
        Set<IPAddress> g = gone.stream().map(Route::prefix).collect(Collectors.toSet());
        return all.stream().filter(r -> !g.contains(r.prefix())).collect(Collectors.toList());
    }

    /** Prefixes as BIRD writes them: 10.96.0.1/32, fd00:20::1/128. */
    private static Set<String> prefixes(List<Route> routes) {
        return routes.stream().map(r -> r.prefix().toCanonicalString()).collect(Collectors.toSet());
    }

    private static PeerStatus status(BgpServer s, PeerKey key) {
        List<PeerStatus> all = s.peers();
        assertThat(all).extracting(PeerStatus::key).isSortedAccordingTo(PeerKey.ORDER);
        return all.stream().filter(p -> p.key().equals(key)).findFirst()
                .orElseThrow(() -> new AssertionError("peer " + key + " is not listed: " + all));
    }

    /** routesByPeer() is optional; a backend that tells must tell what the peer holds. */
    private static void assertRoutesByPeer(BgpServer s, PeerKey key, List<Route> expected) {
        Map<PeerKey, Set<IPAddress>> byPeer = s.routesByPeer();
        if (!byPeer.isEmpty()) {
            assertThat(byPeer.get(key)).isEqualTo(expected.stream().map(Route::prefix).collect(Collectors.toSet()));
        }
    }

    private String asPathOf(String protocol, String prefix) throws Exception {
        BirdDaemon.BirdRoute r = bird.routes(protocol).get(prefix);
        return r == null ? null : r.asPath();
    }

    /** A {@code Name: value} line of {@code show protocols all}, e.g. Neighbor AS. */
    private static String neighbor(String details, String name) {
        Matcher m = Pattern.compile("(?m)^\\s*" + Pattern.quote(name) + ":\\s+(\\S+)").matcher(details);
        return m.find() ? m.group(1) : null;
    }

    /** The restart time of the graceful-restart capability the neighbour (Herald) sent; -1 without one. */
    private static int neighborRestartTime(String details) {
        int from = details.indexOf("Neighbor capabilities");
        if (from < 0) {
            return -1;
        }
        int to = details.indexOf("Session:", from);
        Matcher m = Pattern.compile("Restart time:\\s+(\\d+)")
                .matcher(details.substring(from, to < 0 ? details.length() : to));
        return m.find() ? Integer.parseInt(m.group(1)) : -1;
    }

    /** The "received" column of a route-change counter of {@code show protocols all} (Import updates, ...). */
    private static long importCounter(String details, String row) {
        Matcher m = Pattern.compile(Pattern.quote(row) + ":\\s+(\\d+)").matcher(details);
        if (!m.find()) {
            throw new AssertionError("no '" + row + "' in BIRD's protocol details:\n" + details);
        }
        return Long.parseLong(m.group(1));
    }

    /**
     * Whether a TCP socket listens on {@code address:port} in this network namespace, from /proc/net/tcp and tcp6 (a
     * connection attempt would look like an unknown peer to the server). An IPv4 address may also be bound by an
     * IPv6 socket, as ::ffff:a.b.c.d.
     */
    private static boolean listening(String address, int port) throws IOException {
        byte[] a = InetAddress.getByName(address).getAddress();
        String portHex = String.format(Locale.ROOT, ":%04X", port);
        if (a.length == 4) {
            byte[] mapped = new byte[16];
            mapped[10] = (byte) 0xFF;
            mapped[11] = (byte) 0xFF;
            System.arraycopy(a, 0, mapped, 12, 4);
            return listensIn("tcp", procHex(a) + portHex) || listensIn("tcp6", procHex(mapped) + portHex);
        }
        return listensIn("tcp6", procHex(a) + portHex);
    }

    /** An address as /proc prints it: 32-bit words in host (little-endian) order. */
    private static String procHex(byte[] a) {
        StringBuilder hex = new StringBuilder();
        for (int w = 0; w < a.length; w += 4) {
            for (int i = 3; i >= 0; i--) {
                hex.append(String.format(Locale.ROOT, "%02X", a[w + i] & 0xFF));
            }
        }
        return hex.toString();
    }

    private static boolean listensIn(String table, String local) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/net", table))) {
            String[] f = line.trim().split("\\s+");
            // sl local_address rem_address st ...; 0A is LISTEN
            if (f.length > 3 && f[1].equals(local) && f[3].equals("0A")) {
                return true;
            }
        }
        return false;
    }
}
