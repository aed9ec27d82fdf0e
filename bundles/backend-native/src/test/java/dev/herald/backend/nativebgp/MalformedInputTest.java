package dev.herald.backend.nativebgp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.herald.api.Addresses;
import dev.herald.api.GlobalConfig;
import dev.herald.api.PeerConfig;
import dev.herald.api.SessionState;
import dev.herald.bgp.message.BgpMessage;
import dev.herald.bgp.message.Capability;
import dev.herald.bgp.message.KeepaliveMessage;
import dev.herald.bgp.message.OpenMessage;
import dev.herald.bgp.message.PathAttribute;
import dev.herald.bgp.message.Prefix;
import dev.herald.bgp.message.UpdateMessage;
import dev.herald.bgp.transport.Transport;
import dev.herald.testing.Hex;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Bad input over a real socket: each malformed message gets the exact NOTIFICATION of RFC 4271 §6, or the RFC 7606
 * action (the session stays up and the UPDATE's prefixes count as withdrawn). Never a crash.
 */
class MalformedInputTest {
    private static final String PEER = "127.0.0.7";
    private static final long PEER_AS = 65007;
    private static NativeBgpServer server;
    private static InetSocketAddress herald;

    @BeforeAll
    static void start() {
        GlobalConfig cfg = GlobalConfig.of(65001, "10.0.0.1").withListenPort(NativeBgpServerTest.freePort())
                .withListenAddress(Addresses.address("127.0.0.1", "listen"));
        server = new NativeBgpServer(cfg, Transport.NIO, false, 1000);
        server.start();
        // the peer's own port is closed: Herald's outgoing attempts fail and only our connections count
        server.addPeer(PeerConfig.of(PEER, PEER_AS).withPort(NativeBgpServerTest.freePort()));
        herald = new InetSocketAddress("127.0.0.1", cfg.listenPort());
    }

    @AfterAll
    static void stop() {
        server.stop();
    }

    private static final String MARKER = "ffffffffffffffffffffffffffffffff";

    private static OpenMessage open(int holdTime, long asn) {
        return OpenMessage.of(asn, holdTime, 0x0A00_0007L, List.of(Capability.Multiprotocol.unicast(
                dev.herald.bgp.message.Afi.IPV4)));
    }

    /** Connects and brings the session to Established. */
    private static RawPeer established() throws Exception {
        await().atMost(Duration.ofSeconds(10)).until(() -> server.peers().get(0).state() != SessionState.ESTABLISHED);
        RawPeer p = new RawPeer(PEER, herald);
        p.send(open(90, PEER_AS));
        assertThat(p.readUntil(BgpMessage.OPEN, 5000)).isNotNull();
        p.send(KeepaliveMessage.INSTANCE);
        assertThat(p.readUntil(BgpMessage.KEEPALIVE, 5000)).isNotNull();
        await().atMost(Duration.ofSeconds(5)).until(() -> server.peers().get(0).state() == SessionState.ESTABLISHED);
        return p;
    }

    @ParameterizedTest(name = "{0} -> NOTIFICATION {2}/{3}")
    @CsvSource({
        // name, hex of the whole message (MARKER is substituted), code, subcode, data
        "bad marker,              00ffffffffffffffffffffffffffffff 0013 04, 1, 1, ''",
        "length below 19,         MARKER 0012 04, 1, 2, 0012",
        "length above 4096,       MARKER 1001 02, 1, 2, 1001",
        "KEEPALIVE of 20 bytes,   MARKER 0014 04 00, 1, 2, 0014",
        "unknown type 9,          MARKER 0013 09, 1, 3, 09",
        "unsupported version,     MARKER 001d 01 03 fdef 005a 0a000007 00, 2, 1, 0004",
        "truncated OPEN,          MARKER 001c 01 04 fdef 005a 0a000007, 1, 2, 001c",
        "bad optional param len,  MARKER 001d 01 04 fdef 005a 0a000007 05, 1, 2, 001d",
        "hold time 1,             MARKER 001d 01 04 fdef 0001 0a000007 00, 2, 6, ''",
        "hold time 2,             MARKER 001d 01 04 fdef 0002 0a000007 00, 2, 6, ''",
        "wrong peer AS,           MARKER 001d 01 04 fdee 005a 0a000007 00, 2, 2, fdee",
        "BGP identifier 0,        MARKER 001d 01 04 fdef 005a 00000000 00, 2, 3, ''",
        "unknown optional param,  MARKER 0021 01 04 fdef 005a 0a000007 04 01 02 0000, 2, 4, ''",
        "UPDATE before OPEN,      MARKER 0017 02 0000 0000, 5, 1, ''",
    })
    void openingErrors(String name, String hex, int code, int subcode, String data) throws Exception {
        await().atMost(Duration.ofSeconds(10)).until(() -> server.peers().get(0).state() != SessionState.ESTABLISHED);
        try (RawPeer p = new RawPeer(PEER, herald)) {
            p.send(bytes(hex));
            RawPeer.Received n = p.readUntil(BgpMessage.NOTIFICATION, 5000);
            assertThat(n).as("NOTIFICATION for " + name).isNotNull();
            assertThat(n.code() + "/" + n.subcode()).isEqualTo(code + "/" + subcode);
            assertThat(HexFormat.of().formatHex(n.body(), 2, n.body().length)).isEqualTo(data);
        }
    }

    @ParameterizedTest(name = "{0} -> NOTIFICATION {2}/{3}")
    @CsvSource({
        "withdrawn length too large,  MARKER 0017 02 0010 0000, 3, 1",
        "attribute length too large,  MARKER 0017 02 0000 0010, 3, 1",
        "NLRI prefix length 33,       MARKER 001c 02 0000 0000 21 0a000001, 3, 10",
        "unknown well-known attribute,MARKER 001b 02 0000 0004 40 63 01 00, 3, 2",
        "MP_REACH bad next-hop len,   MARKER 0029 02 0000 0012 800e 0f 0002 01 05 0000000000 00 80 fd000000, 3, 9",
        "MP_REACH truncated NLRI,     MARKER 0025 02 0000 000e 800e 0b 0001 01 04 0a000001 00 20 0a00, 3, 9",
        "duplicate MP_UNREACH,        MARKER 0023 02 0000 000c 800f 03 000101 800f 03 000101, 3, 1",
        "MP_REACH with wrong flags,   MARKER 0020 02 0000 0009 400e 06 0001 01 00 00 00, 3, 4",
        "OPEN when Established,       MARKER 001d 01 04 fdef 005a 0a000007 00, 5, 3",
    })
    void establishedSessionResets(String name, String hex, int code, int subcode) throws Exception {
        try (RawPeer p = established()) {
            p.send(bytes(hex));
            RawPeer.Received n = p.readUntil(BgpMessage.NOTIFICATION, 5000);
            assertThat(n).as("NOTIFICATION for " + name).isNotNull();
            assertThat(n.code() + "/" + n.subcode()).isEqualTo(code + "/" + subcode);
        }
    }

    /**
     * RFC 7606 treat-as-withdraw: a good UPDATE announces 10.7.0.1/32, then a broken one about the same prefix
     * makes Herald count it as withdrawn, and the session stays up.
     */
    @ParameterizedTest(name = "{0} -> treat-as-withdraw")
    @CsvSource({
        // attributes (hex) of the broken UPDATE; its NLRI is always 10.7.0.1/32
        "ORIGIN value 3,            40010103 40020602010000fdef 400304 0a000007",
        "ORIGIN with optional flag, c0010100 40020602010000fdef 400304 0a000007",
        "NEXT_HOP of 5 bytes,       40010100 40020602010000fdef 400305 0a00000700",
        "NEXT_HOP 0.0.0.0,          40010100 40020602010000fdef 400304 00000000",
        "NEXT_HOP multicast,        40010100 40020602010000fdef 400304 e0000001",
        "MED of 3 bytes,            40010100 40020602010000fdef 400304 0a000007 800403 000001",
        "malformed AS_PATH,         40010100 40020607010000fdef 400304 0a000007",
        "missing ORIGIN,            40020602010000fdef 400304 0a000007",
        "missing AS_PATH,           40010100 400304 0a000007",
        "missing NEXT_HOP,          40010100 40020602010000fdef",
        "attribute overruns,        40010100 40020602010000fdef 400309 0a000007",
    })
    void attributeErrorsTreatTheUpdateAsWithdrawn(String name, String attributes) throws Exception {
        try (RawPeer p = established()) {
            p.send(new UpdateMessage(List.of(), List.of(PathAttribute.Origin.IGP,
                    new PathAttribute.AsPath(List.of(PathAttribute.Segment.sequence(PEER_AS))),
                    new PathAttribute.NextHop(0x0A00_0007L)), List.of(Prefix.ipv4(0x0A07_0001, 32))));
            await().atMost(Duration.ofSeconds(5)).until(() -> server.peers().get(0).prefixesReceived() == 1);

            byte[] attrs = bytes(attributes);
            byte[] nlri = bytes("20 0a070001");
            byte[] msg = new byte[19 + 4 + attrs.length + nlri.length];
            System.arraycopy(bytes(MARKER), 0, msg, 0, 16);
            msg[16] = (byte) (msg.length >>> 8);
            msg[17] = (byte) msg.length;
            msg[18] = 2;
            msg[21] = (byte) (attrs.length >>> 8);
            msg[22] = (byte) attrs.length;
            System.arraycopy(attrs, 0, msg, 23, attrs.length);
            System.arraycopy(nlri, 0, msg, 23 + attrs.length, nlri.length);
            p.send(msg);

            await().atMost(Duration.ofSeconds(5)).until(() -> server.peers().get(0).prefixesReceived() == 0);
            assertThat(p.read(300)).as("no NOTIFICATION: the session stays up").isNull();
            assertThat(server.peers().get(0).state()).isEqualTo(SessionState.ESTABLISHED);
        }
    }

    private static byte[] bytes(String hex) {
        return Hex.bytes(hex.replace("MARKER", MARKER));
    }
}
