package dev.herald.bgp.codec;

import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.bgp.message.Afi;
import dev.herald.bgp.message.BgpMessage;
import dev.herald.bgp.message.Capability;
import dev.herald.bgp.message.KeepaliveMessage;
import dev.herald.bgp.message.NotificationMessage;
import dev.herald.bgp.message.OpenMessage;
import dev.herald.bgp.message.PathAttribute;
import dev.herald.bgp.message.PathAttribute.Segment;
import dev.herald.bgp.message.Prefix;
import dev.herald.bgp.message.RouteRefreshMessage;
import dev.herald.bgp.message.UpdateMessage;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Byte-exact messages written out by hand from the RFCs' formats: the encoder must produce exactly these bytes and
 * the decoder must read them back to the same message.
 */
class FixtureTest {
    private static final String MARKER = "ffffffff ffffffff ffffffff ffffffff";

    private static void assertWireForm(CodecContext ctx, BgpMessage message, String hex) {
        byte[] expected = Wire.hex(hex);
        assertThat(Wire.hex(Wire.encode(ctx, message))).as("encoded").isEqualTo(Wire.hex(expected));
        assertThat(Wire.decode(ctx, expected)).as("decoded").isEqualTo(message);
    }

    private static CodecContext fourOctet() {
        CodecContext ctx = new CodecContext();
        ctx.fourOctetAs(true);
        return ctx;
    }

    @Test
    void keepalive() {
        // RFC 4271 §4.4: the 19-byte header alone
        String hex = MARKER + " 0013 04";
        assertThat(Wire.hex(hex)).hasSize(19);

        assertWireForm(new CodecContext(), KeepaliveMessage.INSTANCE, hex);
    }

    @Test
    void openWithMultiprotocolAndFourOctetAsCapabilities() {
        OpenMessage open = new OpenMessage(4, 65001, 90, 0x0A00_0001L,
                List.of(Capability.Multiprotocol.unicast(Afi.IPV4), new Capability.FourOctetAs(65001)));
        String hex = MARKER + " 002d 01"      // length 45, OPEN
                + " 04"                       // version
                + " fde9"                     // my AS 65001
                + " 005a"                     // hold time 90
                + " 0a000001"                 // BGP identifier 10.0.0.1
                + " 10"                       // optional parameters length 16
                + " 02 06  01 04 0001 00 01"  // capabilities: multiprotocol (RFC 4760) IPv4 unicast
                + " 02 06  41 04 0000fde9";   // capabilities: 4-octet AS (RFC 6793) 65001

        assertWireForm(new CodecContext(), open, hex);
    }

    @Test
    void openWithRouteRefreshGracefulRestartAndExtendedMessage() {
        OpenMessage open = new OpenMessage(4, 23456, 180, 0xC000_0201L, List.of(
                new Capability.RouteRefresh(),
                new Capability.GracefulRestart(true, 300, List.of(new Capability.GracefulRestart.Family(2, 1, true))),
                new Capability.ExtendedMessage(),
                new Capability.FourOctetAs(4_200_000_000L)));
        String hex = MARKER + " 0037 01"           // length 55, OPEN
                + " 04 5ba0 00b4 c0000201"
                + " 1a"                            // optional parameters length 26
                + " 02 02  02 00"                  // route refresh (RFC 2918)
                + " 02 08  40 06 812c 0002 01 80"  // graceful restart (RFC 4724): R, 300 s, IPv6 unicast with F
                + " 02 02  06 00"                  // extended message (RFC 8654)
                + " 02 06  41 04 fa56ea00";        // 4-octet AS 4200000000

        assertWireForm(new CodecContext(), open, hex);
    }

    @Test
    void openWithSeveralCapabilitiesInOneParameterIsRead() {
        // RFC 5492 allows one optional parameter to carry many capabilities; the encoder sends one per parameter
        String hex = MARKER + " 0029 01 04 fde9 005a 0a000001"
                + " 0c 02 0a  01 04 0002 00 01  02 00  06 00";

        assertThat(Wire.decode(Wire.hex(hex))).isEqualTo(new OpenMessage(4, 65001, 90, 0x0A00_0001L, List.of(
                Capability.Multiprotocol.unicast(Afi.IPV6), new Capability.RouteRefresh(),
                new Capability.ExtendedMessage())));
    }

    @Test
    void ipv4Update() {
        UpdateMessage update = new UpdateMessage(List.of(),
                List.of(PathAttribute.Origin.IGP, new PathAttribute.AsPath(List.of(Segment.sequence(65001L))),
                        new PathAttribute.NextHop(0xC000_0201L)),
                List.of(Prefix.ipv4(0x0A01_0000, 16)));
        String hex = MARKER + " 002e 02"   // length 46, UPDATE
                + " 0000"                  // no withdrawn routes
                + " 0014"                  // total path attribute length 20
                + " 40 01 01 00"           // ORIGIN IGP, well-known transitive
                + " 40 02 06 02 01 0000fde9" // AS_PATH: AS_SEQUENCE of one 4-octet ASN, 65001
                + " 40 03 04 c0000201"     // NEXT_HOP 192.0.2.1
                + " 10 0a01";              // NLRI 10.1.0.0/16

        assertWireForm(fourOctet(), update, hex);
    }

    @Test
    void ipv4UpdateWithWithdrawnRoutesMedAndLocalPref() {
        UpdateMessage update = new UpdateMessage(List.of(Prefix.ipv4(0xC633_6400, 24), Prefix.ipv4(0x0A00_0000, 8)),
                List.of(PathAttribute.Origin.IGP, new PathAttribute.AsPath(List.of(Segment.sequence(65001L))),
                        new PathAttribute.NextHop(0xC000_0201L), new PathAttribute.MultiExitDisc(50),
                        new PathAttribute.LocalPref(200)),
                List.of(Prefix.ipv4(0xC000_0280, 25)));
        String hex = MARKER + " 0042 02"      // length 66
                + " 0006 18 c63364 08 0a"     // withdrawn 198.51.100.0/24, 10.0.0.0/8
                + " 0020"                     // attributes length 32
                + " 40 01 01 00"
                + " 40 02 04 02 01 fde9"      // 2-octet AS_PATH
                + " 40 03 04 c0000201"
                + " 80 04 04 00000032"        // MED 50, optional non-transitive
                + " 40 05 04 000000c8"        // LOCAL_PREF 200
                + " 19 c0000280";             // NLRI 192.0.2.128/25

        assertWireForm(new CodecContext(), update, hex);
    }

    @Test
    void ipv6UpdateWithMpReach() {
        UpdateMessage update = new UpdateMessage(List.of(),
                List.of(PathAttribute.Origin.IGP, new PathAttribute.AsPath(List.of(Segment.sequence(65001L))),
                        new PathAttribute.MpReach(2, 1, Wire.hex("20010db8000000000000000000000001"),
                                List.of(Prefix.of(Afi.IPV6, Wire.hex("20010db80001"), 48)))),
                List.of());
        String hex = MARKER + " 0043 02"     // length 67
                + " 0000 002c"               // no withdrawn routes, attributes length 44
                + " 40 01 01 00"
                + " 40 02 06 02 01 0000fde9"
                + " 80 0e 1c"                // MP_REACH_NLRI (RFC 4760), optional, length 28
                + " 0002 01"                 // AFI IPv6, SAFI unicast
                + " 10 20010db8000000000000000000000001" // next hop 2001:db8::1
                + " 00"                      // reserved
                + " 30 20010db80001";        // 2001:db8:1::/48

        assertWireForm(fourOctet(), update, hex);
    }

    @Test
    void ipv6WithdrawalWithMpUnreach() {
        UpdateMessage update = new UpdateMessage(List.of(), List.of(new PathAttribute.MpUnreach(2, 1,
                List.of(Prefix.of(Afi.IPV6, Wire.hex("20010db80001"), 48)))), List.of());
        String hex = MARKER + " 0024 02 0000 000d"
                + " 80 0f 0a 0002 01 30 20010db80001";

        assertWireForm(new CodecContext(), update, hex);
    }

    @Test
    void ipv6EndOfRib() {
        // RFC 4724 §2: an UPDATE whose only attribute is an empty MP_UNREACH_NLRI
        String hex = MARKER + " 001d 02 0000 0006 80 0f 03 0002 01";

        assertWireForm(new CodecContext(), UpdateMessage.endOfRib(Afi.IPV6), hex);
        assertThat(((UpdateMessage) Wire.decode(Wire.hex(hex))).endOfRibFamily()).contains(Afi.IPV6);
    }

    @Test
    void ipv4EndOfRib() {
        String hex = MARKER + " 0017 02 0000 0000";

        assertWireForm(new CodecContext(), UpdateMessage.endOfRib(Afi.IPV4), hex);
    }

    @Test
    void notificationCeaseAdministrativeShutdown() {
        String hex = MARKER + " 0015 03 06 02";

        assertWireForm(new CodecContext(), new NotificationMessage(6, 2), hex);
    }

    @Test
    void notificationWithData() {
        String hex = MARKER + " 0017 03 01 02 1001";

        assertWireForm(new CodecContext(), new NotificationMessage(1, 2, new byte[] {0x10, 0x01}), hex);
    }

    @Test
    void routeRefresh() {
        // RFC 2918 §3: AFI, reserved, SAFI
        String hex = MARKER + " 0017 05 0002 00 01";

        assertWireForm(new CodecContext(), new RouteRefreshMessage(2, 1), hex);
    }
}
