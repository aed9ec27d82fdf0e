package dev.herald.it.interop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.herald.api.Addresses;
import dev.herald.api.GlobalConfig;
import dev.herald.api.PeerConfig;
import dev.herald.api.Route;
import dev.herald.api.RouteType;
import dev.herald.api.spi.BgpServer;
import dev.herald.backend.nativebgp.NativeBgpServerFactory;
import dev.herald.it.peers.Daemons;
import dev.herald.it.peers.ExabgpDaemon;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Herald's native speaker against a real ExaBGP on loopback, which records every UPDATE with its bytes: so the
 * attributes can be checked as they were on the wire, AS4_PATH toward a 2-octet-AS speaker included.
 */
class NativeSpeakerExabgpTest {
    private static final Duration SESSION = Duration.ofSeconds(30);
    private static final long AS_TRANS = 23456;

    @TempDir
    Path tmp;
    private final List<AutoCloseable> cleanup = new ArrayList<>();

    @BeforeEach
    void needsExabgp() {
        Daemons.assumeInstalled("exabgp", ExabgpDaemon.installed());
    }

    @AfterEach
    void tearDown() throws Exception {
        for (int i = cleanup.size() - 1; i >= 0; i--) {
            cleanup.get(i).close();
        }
    }

    private BgpServer herald(long asn, String listen, int port) {
        BgpServer s = new NativeBgpServerFactory().create(GlobalConfig.of(asn, "10.255.0.1").withListenPort(port)
                .withListenAddress(Addresses.address(listen, "listen")));
        cleanup.add(() -> s.stop());
        return s;
    }

    /** ExaBGP in AS 65010 at 127.0.0.4, expecting Herald at 127.0.0.1 in {@code heraldAsSeen}. */
    private ExabgpDaemon exabgp(int port, int heraldPort, long heraldAsSeen, boolean asn4) throws Exception {
        ExabgpDaemon e = ExabgpDaemon.start(tmp.resolve("exabgp"), "127.0.0.4", port, 65010, "10.255.0.4",
                List.of(ExabgpDaemon.Neighbor.of("127.0.0.1", heraldPort, heraldAsSeen)), asn4);
        cleanup.add(e);
        return e;
    }

    @Test
    void ipv4RoutesArriveWithNextHopAndPathAndWithdrawalsArrive() throws Exception {
        int heraldPort = Daemons.freePort();
        int exabgpPort = Daemons.freePort();
        ExabgpDaemon exabgp = exabgp(exabgpPort, heraldPort, 65001, true);
        BgpServer s = herald(65001, "127.0.0.1", heraldPort);
        s.start();
        s.addPeer(PeerConfig.of("127.0.0.4", 65010).withPort(exabgpPort));
        s.advertise(List.of(Route.of("10.96.0.10", RouteType.SERVICE_CLUSTER_IP, "default/web"),
                Route.of("10.244.1.0/24", RouteType.NODE_IPAM_POD_CIDR, null)));

        await().atMost(SESSION).untilAsserted(() -> assertThat(exabgp.routes()).as(exabgp::diagnostics)
                .containsOnlyKeys("10.96.0.10/32", "10.244.1.0/24"));
        for (ExabgpDaemon.Update u : exabgp.routes().values()) {
            assertThat(u.peer()).isEqualTo("127.0.0.1");
            assertThat(u.nextHop()).isEqualTo("127.0.0.1");
            assertThat(u.asPath()).containsExactly(65001L);
            assertThat(u.wireAsPath()).containsExactly(65001L);
            assertThat(u.wireAs4Path()).as("no AS4_PATH between 4-octet speakers").isEmpty();
        }

        s.withdraw(List.of(Route.of("10.96.0.10", RouteType.SERVICE_CLUSTER_IP, "default/web")));
        await().atMost(SESSION).untilAsserted(() -> assertThat(exabgp.withdrawn()).as(exabgp::diagnostics)
                .containsExactly("10.96.0.10/32"));
        assertThat(exabgp.routes()).containsOnlyKeys("10.244.1.0/24");
    }

    @Test
    void aTwoOctetPeerSeesAsTransInAsPathAndTheRealAsInAs4Path() throws Exception {
        int heraldPort = Daemons.freePort();
        int exabgpPort = Daemons.freePort();
        // without the capability ExaBGP reads Herald's OPEN as coming from AS_TRANS, as any old speaker would
        ExabgpDaemon exabgp = exabgp(exabgpPort, heraldPort, AS_TRANS, false);
        BgpServer s = herald(4_200_000_001L, "127.0.0.1", heraldPort);
        s.start();
        s.addPeer(PeerConfig.of("127.0.0.4", 65010).withPort(exabgpPort));
        s.advertise(List.of(Route.of("10.96.0.11", RouteType.SERVICE_CLUSTER_IP, "default/a")));

        await().atMost(SESSION).untilAsserted(() -> assertThat(exabgp.routes()).as(exabgp::diagnostics)
                .containsOnlyKeys("10.96.0.11/32"));
        ExabgpDaemon.Update u = exabgp.routes().get("10.96.0.11/32");
        assertThat(u.nextHop()).isEqualTo("127.0.0.1");
        // RFC 6793 §4.2.2: AS_TRANS where the AS does not fit two octets, the real path in AS4_PATH
        assertThat(u.wireAsPath()).containsExactly(AS_TRANS);
        assertThat(u.wireAs4Path()).containsExactly(4_200_000_001L);
        // and ExaBGP, merging both as RFC 6793 §4.2.3 says, recovers the real path
        assertThat(u.asPath()).containsExactly(4_200_000_001L);
    }

    @Test
    void aTwoOctetPeerSeesThePlainAsWhenItFitsTwoOctets() throws Exception {
        int heraldPort = Daemons.freePort();
        int exabgpPort = Daemons.freePort();
        ExabgpDaemon exabgp = exabgp(exabgpPort, heraldPort, 65001, false);
        BgpServer s = herald(65001, "127.0.0.1", heraldPort);
        s.start();
        s.addPeer(PeerConfig.of("127.0.0.4", 65010).withPort(exabgpPort));
        s.advertise(List.of(Route.of("10.96.0.12", RouteType.SERVICE_CLUSTER_IP, "default/a")));

        await().atMost(SESSION).untilAsserted(() -> assertThat(exabgp.routes()).as(exabgp::diagnostics)
                .containsOnlyKeys("10.96.0.12/32"));
        ExabgpDaemon.Update u = exabgp.routes().get("10.96.0.12/32");
        assertThat(u.wireAsPath()).containsExactly(65001L);
        assertThat(u.wireAs4Path()).isEmpty();
        assertThat(u.asPath()).containsExactly(65001L);
    }
}
