package dev.herald.bgp.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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
import io.netty.buffer.ByteBuf;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.EncoderException;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Every message kind written by the encoder and read back by the decoder on one channel. */
class RoundTripTest {
    private static final long ROUTER_ID = 0x0A00_0001L; // 10.0.0.1

    /** Writes {@code message} outbound, feeds the bytes back inbound and returns what the decoder emits. */
    private static Object roundTrip(CodecContext ctx, BgpMessage message) {
        EmbeddedChannel ch = Wire.channel(ctx);
        try {
            assertThat(ch.writeOutbound(message)).isTrue();
            ByteBuf encoded = ch.readOutbound();
            assertThat((Object) ch.readOutbound()).as("one buffer per message").isNull();
            ch.writeInbound(encoded);
            Object decoded = ch.readInbound();
            assertThat((Object) ch.readInbound()).as("one message per buffer").isNull();
            return decoded;
        } finally {
            ch.finishAndReleaseAll();
        }
    }

    private static Object roundTrip(BgpMessage message) {
        return roundTrip(new CodecContext(), message);
    }

    private static CodecContext fourOctet() {
        CodecContext ctx = new CodecContext();
        ctx.fourOctetAs(true);
        return ctx;
    }

    private static Prefix v4(String text, int length) throws Exception {
        return Prefix.of(Afi.IPV4, InetAddress.getByName(text).getAddress(), length);
    }

    private static Prefix v6(String text, int length) throws Exception {
        return Prefix.of(Afi.IPV6, InetAddress.getByName(text).getAddress(), length);
    }

    private static byte[] v6Address(String text) throws Exception {
        return InetAddress.getByName(text).getAddress();
    }

    // ---- OPEN ----

    @Test
    void openWithEveryCapabilityKindRoundTrips() {
        OpenMessage open = OpenMessage.of(65001, 90, ROUTER_ID, List.of(
                Capability.Multiprotocol.unicast(Afi.IPV4),
                Capability.Multiprotocol.unicast(Afi.IPV6),
                new Capability.RouteRefresh(),
                new Capability.GracefulRestart(true, 120, List.of(
                        new Capability.GracefulRestart.Family(1, 1, true),
                        new Capability.GracefulRestart.Family(2, 1, false))),
                new Capability.ExtendedMessage(),
                new Capability.Unknown(73, new byte[] {'n', 'o', 'd', 'e', '1'})));

        Object decoded = roundTrip(open);

        assertThat(decoded).isEqualTo(open);
        OpenMessage o = (OpenMessage) decoded;
        assertThat(o.capabilities()).hasSize(7).last().isEqualTo(new Capability.FourOctetAs(65001));
        assertThat(o.supportsFamily(Afi.IPV6)).isTrue();
        assertThat(o.capability(Capability.GracefulRestart.class)).get()
                .satisfies(g -> {
                    assertThat(g.restarting()).isTrue();
                    assertThat(g.restartTimeSeconds()).isEqualTo(120);
                    assertThat(g.families()).extracting(Capability.GracefulRestart.Family::forwardingPreserved)
                            .containsExactly(true, false);
                });
    }

    @Test
    void gracefulRestartWithoutRestartBitAndMaximumTimeRoundTrips() {
        OpenMessage open = OpenMessage.of(65001, 90, ROUTER_ID,
                List.of(new Capability.GracefulRestart(false, 4095, List.of())));

        assertThat(roundTrip(open)).isEqualTo(open);
    }

    @Test
    void openWithFourOctetAsCarriesAsTransInMyAs() {
        OpenMessage open = OpenMessage.of(4_200_000_000L, 180, 0xC000_0201L, List.of());

        OpenMessage decoded = (OpenMessage) roundTrip(open);

        assertThat(decoded).isEqualTo(open);
        assertThat(decoded.myAs()).isEqualTo(OpenMessage.AS_TRANS);
        assertThat(decoded.asn()).isEqualTo(4_200_000_000L);
        assertThat(decoded.bgpIdentifierText()).isEqualTo("192.0.2.1");
    }

    @Test
    void openWithoutCapabilitiesRoundTrips() {
        OpenMessage open = new OpenMessage(4, 65002, 0, 0xFFFF_FFFFL, List.of());

        OpenMessage decoded = (OpenMessage) roundTrip(open);

        assertThat(decoded).isEqualTo(open);
        assertThat(decoded.asn()).isEqualTo(65002);
        assertThat(decoded.bgpIdentifier()).isEqualTo(0xFFFF_FFFFL);
    }

    // ---- UPDATE ----

    @Test
    void ipv4UpdateWithAllBasicAttributesRoundTrips() throws Exception {
        UpdateMessage update = new UpdateMessage(
                List.of(v4("10.9.0.0", 16)),
                List.of(PathAttribute.Origin.IGP,
                        new PathAttribute.AsPath(List.of(Segment.sequence(65001L, 65002L))),
                        new PathAttribute.NextHop(0xC000_0201L),
                        new PathAttribute.MultiExitDisc(0xFFFF_FFFFL),
                        new PathAttribute.LocalPref(100)),
                List.of(v4("10.1.0.0", 16), v4("192.0.2.128", 25), v4("0.0.0.0", 0), v4("198.51.100.7", 32)));

        Object decoded = roundTrip(update);

        assertThat(decoded).isEqualTo(update);
        assertThat(((UpdateMessage) decoded).treatAsWithdraw()).isEmpty();
    }

    @Test
    void ipv4UpdateRoundTripsWithFourOctetAs() throws Exception {
        UpdateMessage update = new UpdateMessage(List.of(),
                List.of(new PathAttribute.Origin(2),
                        new PathAttribute.AsPath(List.of(Segment.sequence(4_200_000_000L, 65001L),
                                new Segment(Segment.AS_SET, List.of(64512L, 4_200_000_001L)))),
                        new PathAttribute.NextHop(0x0A00_0001L)),
                List.of(v4("10.1.0.0", 16)));

        assertThat(roundTrip(fourOctet(), update)).isEqualTo(update);
    }

    @Test
    void aggregatorAndAtomicAggregateRoundTrip() throws Exception {
        UpdateMessage update = new UpdateMessage(List.of(),
                List.of(PathAttribute.Origin.IGP, PathAttribute.AsPath.EMPTY, new PathAttribute.NextHop(0x0A00_0001L),
                        new PathAttribute.AtomicAggregate(),
                        new PathAttribute.Aggregator(PathAttribute.AGGREGATOR, 65001, 0x0A00_0002L)),
                List.of(v4("10.0.0.0", 8)));

        assertThat(roundTrip(update)).isEqualTo(update);
        assertThat(roundTrip(fourOctet(), update)).isEqualTo(update);
    }

    @Test
    void ipv6UpdateViaMpReachRoundTrips() throws Exception {
        UpdateMessage update = new UpdateMessage(List.of(),
                List.of(PathAttribute.Origin.IGP,
                        new PathAttribute.AsPath(List.of(Segment.sequence(65001L))),
                        new PathAttribute.MpReach(Afi.IPV6.code(), Afi.SAFI_UNICAST, v6Address("2001:db8::1"),
                                List.of(v6("2001:db8:1::", 48), v6("fd00:10:244:1::", 64), v6("2001:db8::5", 128),
                                        v6("::", 0)))),
                List.of());

        UpdateMessage decoded = (UpdateMessage) roundTrip(update);

        assertThat(decoded).isEqualTo(update);
        assertThat(decoded.announced()).hasSize(4);
        assertThat(decoded.endOfRibFamily()).isEmpty();
    }

    @Test
    void ipv6NextHopWithLinkLocalRoundTrips() throws Exception {
        byte[] nextHop = Wire.concat(v6Address("2001:db8::1"), v6Address("fe80::1"));
        UpdateMessage update = new UpdateMessage(List.of(),
                List.of(PathAttribute.Origin.IGP, PathAttribute.AsPath.EMPTY,
                        new PathAttribute.MpReach(2, 1, nextHop, List.of(v6("2001:db8:2::", 48)))),
                List.of());

        UpdateMessage decoded = (UpdateMessage) roundTrip(update);

        assertThat(decoded).isEqualTo(update);
        assertThat(decoded.attribute(PathAttribute.MpReach.class).orElseThrow().nextHop()).hasSize(32);
    }

    @Test
    void ipv6WithdrawalViaMpUnreachRoundTrips() throws Exception {
        UpdateMessage update = new UpdateMessage(List.of(),
                List.of(new PathAttribute.MpUnreach(2, 1, List.of(v6("2001:db8:1::", 48), v6("2001:db8::7", 128)))),
                List.of());

        UpdateMessage decoded = (UpdateMessage) roundTrip(update);

        assertThat(decoded).isEqualTo(update);
        assertThat(decoded.treatAsWithdraw()).isEmpty();
        assertThat(decoded.withdrawnAll()).containsExactly(v6("2001:db8:1::", 48), v6("2001:db8::7", 128));
        assertThat(decoded.endOfRibFamily()).isEmpty();
    }

    @ParameterizedTest
    @EnumSource(Afi.class)
    void endOfRibRoundTripsAndIsRecognised(Afi afi) {
        UpdateMessage eor = UpdateMessage.endOfRib(afi);

        UpdateMessage decoded = (UpdateMessage) roundTrip(eor);

        assertThat(decoded).isEqualTo(eor);
        assertThat(decoded.endOfRibFamily()).contains(afi);
    }

    @Test
    void ipv4EndOfRibIsAnUpdateOfTwentyThreeBytes() {
        assertThat(Wire.encode(new CodecContext(), UpdateMessage.endOfRib(Afi.IPV4)))
                .isEqualTo(Wire.hex(Wire.header(2, 23) + "0000 0000"));
    }

    @Test
    void asPathInTwoOctetSessionSubstitutesAsTransAndCarriesAs4Path() {
        List<Segment> real = List.of(Segment.sequence(65001L, 4_200_000_000L, 65002L));
        UpdateMessage update = new UpdateMessage(List.of(),
                List.of(PathAttribute.Origin.IGP, new PathAttribute.AsPath(real), new PathAttribute.NextHop(0x0A00_0001L),
                        new PathAttribute.As4Path(real)),
                List.of(Prefix.ipv4(0x0A01_0000, 16)));

        UpdateMessage decoded = (UpdateMessage) roundTrip(update);

        assertThat(decoded.attribute(PathAttribute.AsPath.class)).contains(
                new PathAttribute.AsPath(List.of(Segment.sequence(65001L, (long) OpenMessage.AS_TRANS, 65002L))));
        assertThat(decoded.attribute(PathAttribute.As4Path.class)).contains(new PathAttribute.As4Path(real));
        assertThat(decoded.treatAsWithdraw()).isEmpty();
    }

    @Test
    void asPathInTwoOctetSessionIsTwoBytesPerAsn() {
        UpdateMessage update = new UpdateMessage(List.of(),
                List.of(new PathAttribute.AsPath(List.of(Segment.sequence(65001L, 4_200_000_000L)))), List.of());

        byte[] bytes = Wire.encode(new CodecContext(), update);

        // header, 2 withdrawn length, 2 attributes length, then flags 40 type 02 length 06, sequence of 2
        assertThat(Wire.hex(bytes).substring(2 * 23)).isEqualTo("400206" + "0202" + "fde9" + "5ba0");
    }

    @Test
    void asPathInFourOctetSessionIsFourBytesPerAsn() {
        UpdateMessage update = new UpdateMessage(List.of(),
                List.of(new PathAttribute.AsPath(List.of(Segment.sequence(65001L, 4_200_000_000L)))), List.of());

        byte[] bytes = Wire.encode(fourOctet(), update);

        assertThat(Wire.hex(bytes).substring(2 * 23)).isEqualTo("40020a" + "0202" + "0000fde9" + "fa56ea00");
    }

    @Test
    void aggregatorInTwoOctetSessionSubstitutesAsTrans() {
        UpdateMessage update = new UpdateMessage(List.of(), List.of(
                new PathAttribute.Aggregator(PathAttribute.AGGREGATOR, 4_200_000_000L, 0x0A00_0002L),
                new PathAttribute.Aggregator(PathAttribute.AS4_AGGREGATOR, 4_200_000_000L, 0x0A00_0002L)), List.of());

        UpdateMessage decoded = (UpdateMessage) roundTrip(update);

        assertThat(decoded.attributes()).containsExactly(
                new PathAttribute.Aggregator(PathAttribute.AGGREGATOR, OpenMessage.AS_TRANS, 0x0A00_0002L),
                new PathAttribute.Aggregator(PathAttribute.AS4_AGGREGATOR, 4_200_000_000L, 0x0A00_0002L));
    }

    @Test
    void as4PathFromFourOctetSpeakerIsDropped() {
        List<Segment> path = List.of(Segment.sequence(4_200_000_000L));
        UpdateMessage update = new UpdateMessage(List.of(),
                List.of(PathAttribute.Origin.IGP, new PathAttribute.AsPath(path), new PathAttribute.NextHop(0x0A00_0001L),
                        new PathAttribute.As4Path(path)),
                List.of(Prefix.ipv4(0x0A01_0000, 16)));

        UpdateMessage decoded = (UpdateMessage) roundTrip(fourOctet(), update);

        assertThat(decoded.attribute(PathAttribute.AsPath.class)).contains(new PathAttribute.AsPath(path));
        assertThat(decoded.attribute(PathAttribute.As4Path.class)).isEmpty();
        assertThat(decoded.treatAsWithdraw()).isEmpty();
    }

    @Test
    void as4AggregatorFromFourOctetSpeakerIsDropped() {
        // RFC 6793 §6: AS4_AGGREGATOR, like AS4_PATH, is discarded between two 4-octet speakers
        UpdateMessage update = new UpdateMessage(List.of(), List.of(
                new PathAttribute.Aggregator(PathAttribute.AGGREGATOR, 4_200_000_000L, 0x0A00_0002L),
                new PathAttribute.Aggregator(PathAttribute.AS4_AGGREGATOR, 4_200_000_000L, 0x0A00_0002L)), List.of());

        UpdateMessage decoded = (UpdateMessage) roundTrip(fourOctet(), update);

        assertThat(decoded.attributes()).containsExactly(
                new PathAttribute.Aggregator(PathAttribute.AGGREGATOR, 4_200_000_000L, 0x0A00_0002L));
    }

    @Test
    void unknownOptionalTransitiveAttributeRoundTrips() {
        PathAttribute.Unknown community = new PathAttribute.Unknown(0xC0, 8, new byte[] {(byte) 0xFD, (byte) 0xE9, 0, 1});
        UpdateMessage update = new UpdateMessage(List.of(), List.of(community), List.of());

        assertThat(roundTrip(update)).isEqualTo(update);
    }

    @Test
    void attributeLongerThan255BytesUsesExtendedLengthAndRoundTrips() {
        PathAttribute.Unknown big = new PathAttribute.Unknown(0xC0, 32, new byte[300]);
        UpdateMessage update = new UpdateMessage(List.of(), List.of(big), List.of());

        byte[] bytes = Wire.encode(new CodecContext(), update);

        assertThat(Wire.hex(bytes).substring(2 * 23, 2 * 27)).isEqualTo("d020012c");
        assertThat(Wire.decode(bytes)).isEqualTo(update);
    }

    @Test
    void encodedLengthMatchesTheBytesWritten() throws Exception {
        List<Prefix> withdrawn = List.of(v4("10.9.0.0", 16));
        List<PathAttribute> attributes = List.of(PathAttribute.Origin.IGP,
                new PathAttribute.AsPath(List.of(Segment.sequence(65001L, 4_200_000_000L))),
                new PathAttribute.NextHop(0x0A00_0001L), new PathAttribute.Unknown(0xC0, 32, new byte[300]),
                new PathAttribute.MpReach(2, 1, v6Address("2001:db8::1"), List.of(v6("2001:db8:1::", 48))));
        List<Prefix> nlri = List.of(v4("10.1.0.0", 16), v4("10.2.3.0", 24));
        for (CodecContext ctx : List.of(new CodecContext(), fourOctet())) {
            int expected = Wire.encode(ctx, new UpdateMessage(withdrawn, attributes, nlri)).length;
            assertThat(BgpMessageEncoder.updateLength(withdrawn, attributes, nlri, ctx)).isEqualTo(expected);
        }
    }

    private static UpdateMessage updateOfSize(int prefixes) {
        List<Prefix> nlri = new ArrayList<>();
        for (int i = 0; i < prefixes; i++) {
            nlri.add(Prefix.ipv4(0x0A00_0000 | (i << 8), 24)); // 10.x.y.0/24: 4 bytes each
        }
        return new UpdateMessage(List.of(),
                List.of(PathAttribute.Origin.IGP, PathAttribute.AsPath.EMPTY, new PathAttribute.NextHop(0x0A00_0001L)),
                nlri);
    }

    @Test
    void updateAbove4096BytesRoundTripsWithExtendedMessages() {
        CodecContext ctx = new CodecContext();
        ctx.extendedMessages(true);
        UpdateMessage big = updateOfSize(2000);

        assertThat(Wire.encode(ctx, big)).hasSizeGreaterThan(BgpMessage.MAX_LENGTH);
        assertThat(roundTrip(ctx, big)).isEqualTo(big);
    }

    @Test
    void encoderRefusesUpdateAbove4096BytesWithoutExtendedMessages() {
        EmbeddedChannel ch = Wire.channel(new CodecContext());
        try {
            assertThatThrownBy(() -> ch.writeOutbound(updateOfSize(2000)))
                    .isInstanceOf(EncoderException.class).hasMessageContaining("4096");
            assertThat((Object) ch.readOutbound()).isNull();
        } finally {
            ch.finishAndReleaseAll();
        }
    }

    @Test
    void encoderAcceptsUpdateOfExactly4096Bytes() {
        // 19 header + 4 lengths + 4 ORIGIN + 3 AS_PATH + 7 NEXT_HOP = 37; 4059 more bytes: 1014 /24s + one /16
        UpdateMessage update = updateOfSize(1014);
        List<Prefix> nlri = new ArrayList<>(update.nlri());
        nlri.add(Prefix.ipv4(0xC0A8_0000, 16));
        UpdateMessage exact = new UpdateMessage(List.of(), update.attributes(), nlri);

        assertThat(Wire.encode(new CodecContext(), exact)).hasSize(4096);
        assertThat(roundTrip(exact)).isEqualTo(exact);
    }

    // ---- NOTIFICATION, KEEPALIVE, ROUTE-REFRESH ----

    @Test
    void notificationWithDataRoundTrips() {
        NotificationMessage n = new NotificationMessage(NotificationMessage.CEASE,
                NotificationMessage.ADMINISTRATIVE_SHUTDOWN, "maintenance".getBytes(java.nio.charset.StandardCharsets.UTF_8));

        assertThat(roundTrip(n)).isEqualTo(n);
    }

    @Test
    void notificationWithoutDataRoundTrips() {
        NotificationMessage n = new NotificationMessage(NotificationMessage.HOLD_TIMER_EXPIRED, 0);

        assertThat(roundTrip(n)).isEqualTo(n);
    }

    @Test
    void keepaliveRoundTrips() {
        assertThat(roundTrip(KeepaliveMessage.INSTANCE)).isEqualTo(KeepaliveMessage.INSTANCE);
    }

    @Test
    void routeRefreshRoundTrips() {
        RouteRefreshMessage rr = new RouteRefreshMessage(Afi.IPV6.code(), Afi.SAFI_UNICAST);

        assertThat(roundTrip(rr)).isEqualTo(rr);
    }
}
