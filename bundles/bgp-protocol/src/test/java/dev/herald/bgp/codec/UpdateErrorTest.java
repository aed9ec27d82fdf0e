package dev.herald.bgp.codec;

import static dev.herald.bgp.codec.Wire.attr;
import static dev.herald.bgp.codec.Wire.malformed;
import static dev.herald.bgp.codec.Wire.notification;
import static dev.herald.bgp.codec.Wire.update;
import static dev.herald.bgp.codec.Wire.updateOf;
import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.bgp.message.Afi;
import dev.herald.bgp.message.BgpMessage;
import dev.herald.bgp.message.PathAttribute;
import dev.herald.bgp.message.PathAttribute.Segment;
import dev.herald.bgp.message.Prefix;
import dev.herald.bgp.message.UpdateMessage;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * UPDATE errors: the NOTIFICATIONs of RFC 4271 §6.3 where RFC 7606 still resets the session, treat-as-withdraw and
 * attribute-discard where it does not. The session here is a 2-octet AS one unless a test says otherwise.
 */
class UpdateErrorTest {
    private static final String ORIGIN = attr(0x40, 1, "00");
    private static final String AS_PATH = attr(0x40, 2, "02 01 fde9");
    private static final String NEXT_HOP = attr(0x40, 3, "c0000201");
    private static final String MANDATORY = ORIGIN + AS_PATH + NEXT_HOP;
    /** 10.1.0.0/16. */
    private static final String NLRI = "10 0a01";
    private static final Prefix NLRI_PREFIX = Prefix.ipv4(0x0A01_0000, 16);
    private static final String V6_NEXT_HOP = "20010db8000000000000000000000001";
    /** MP_REACH_NLRI value: IPv6 unicast, next hop 2001:db8::1, 2001:db8:1::/48. */
    private static final String MP_REACH_V6 = "0002 01 10" + V6_NEXT_HOP + "00 30 20010db80001";
    private static final Prefix V6_PREFIX = Prefix.of(Afi.IPV6, Wire.hex("20010db80001"), 48);

    private static final PathAttribute.AsPath AS_PATH_65001 = new PathAttribute.AsPath(
            List.of(Segment.sequence(65001L)));
    private static final List<PathAttribute> MANDATORY_ATTRIBUTES = List.of(PathAttribute.Origin.IGP, AS_PATH_65001,
            new PathAttribute.NextHop(0xC000_0201L));

    private static void assertTreatAsWithdraw(UpdateMessage update) {
        assertThat(update.treatAsWithdraw()).as("treat-as-withdraw").isPresent();
        assertThat(update.withdrawnAll()).contains(NLRI_PREFIX);
    }

    private static void assertTreatAsWithdraw(String attributesHex) {
        assertTreatAsWithdraw(updateOf(update("", attributesHex, NLRI)));
    }

    // ---- sanity: the base UPDATE of these tests is fine ----

    @Test
    void wellFormedUpdateIsNotTreatedAsWithdraw() {
        UpdateMessage u = updateOf(update("", MANDATORY, NLRI));

        assertThat(u).isEqualTo(new UpdateMessage(List.of(), MANDATORY_ATTRIBUTES, List.of(NLRI_PREFIX)));
        assertThat(u.withdrawnAll()).isEmpty();
    }

    // ---- framing of the UPDATE: session reset ----

    @Test
    void withdrawnRoutesLengthBeyondTheMessageIsMalformedAttributeList() {
        assertThat(malformed(Wire.message(BgpMessage.UPDATE, "00ff 0000"))).isEqualTo(notification(3, 1, ""));
    }

    @Test
    void withdrawnRoutesLengthLeavingNoRoomForAttributeLengthIsMalformedAttributeList() {
        assertThat(malformed(Wire.message(BgpMessage.UPDATE, "0002 080a"))).isEqualTo(notification(3, 1, ""));
    }

    @Test
    void totalAttributeLengthBeyondTheMessageIsMalformedAttributeList() {
        assertThat(malformed(Wire.message(BgpMessage.UPDATE, "0000 0010" + ORIGIN))).isEqualTo(notification(3, 1, ""));
    }

    @Test
    void nlriPrefixLength33IsInvalidNetworkField() {
        assertThat(malformed(update("", MANDATORY, "21 0a010203 00"))).isEqualTo(notification(3, 10, ""));
    }

    @Test
    void withdrawnPrefixLength33IsInvalidNetworkField() {
        assertThat(malformed(update("21 0a010203 00", "", ""))).isEqualTo(notification(3, 10, ""));
    }

    @Test
    void nlriPrefixCutShortIsInvalidNetworkField() {
        assertThat(malformed(update("", MANDATORY, "18 0a01"))).isEqualTo(notification(3, 10, ""));
    }

    // ---- treat-as-withdraw ----

    @Test
    void originValue3IsTreatedAsWithdraw() {
        UpdateMessage u = updateOf(update("", attr(0x40, 1, "03") + AS_PATH + NEXT_HOP, NLRI));

        assertTreatAsWithdraw(u);
        assertThat(u.attribute(PathAttribute.Origin.class)).isEmpty();
    }

    @Test
    void originWithOptionalBitIsTreatedAsWithdraw() {
        assertTreatAsWithdraw(attr(0xC0, 1, "00") + AS_PATH + NEXT_HOP);
    }

    @Test
    void originOfLength2IsTreatedAsWithdraw() {
        assertTreatAsWithdraw(attr(0x40, 1, "0000") + AS_PATH + NEXT_HOP);
    }

    @Test
    void nextHopOfLength5IsTreatedAsWithdraw() {
        assertTreatAsWithdraw(ORIGIN + AS_PATH + attr(0x40, 3, "c000020100"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"00000000", "e0000001", "efffffff", "ffffffff"})
    void nextHopThatIsNotAUnicastAddressIsTreatedAsWithdraw(String address) {
        assertTreatAsWithdraw(ORIGIN + AS_PATH + attr(0x40, 3, address));
    }

    @Test
    void nextHopJustBelowMulticastIsAccepted() {
        UpdateMessage u = updateOf(update("", ORIGIN + AS_PATH + attr(0x40, 3, "dffffffe"), NLRI));

        assertThat(u.treatAsWithdraw()).isEmpty();
        assertThat(u.attribute(PathAttribute.NextHop.class)).contains(new PathAttribute.NextHop(0xDFFF_FFFEL));
    }

    @Test
    void nextHopWithOptionalBitIsTreatedAsWithdraw() {
        assertTreatAsWithdraw(ORIGIN + AS_PATH + attr(0x80, 3, "c0000201"));
    }

    @Test
    void medOfLength3IsTreatedAsWithdraw() {
        assertTreatAsWithdraw(MANDATORY + attr(0x80, 4, "000001"));
    }

    @Test
    void medMarkedWellKnownIsTreatedAsWithdraw() {
        assertTreatAsWithdraw(MANDATORY + attr(0x40, 4, "00000001"));
    }

    @Test
    void localPrefOfLength2IsTreatedAsWithdraw() {
        assertTreatAsWithdraw(MANDATORY + attr(0x40, 5, "0064"));
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "07 01 fde9",          // segment type 7
        "00 01 fde9",          // segment type 0
        "02 03 fde9 fdea",     // count of 3, two ASNs present
        "02 00",               // empty segment
        "02 01 fde9 02",       // trailing byte, no room for a segment header
        "02 01 fd"             // half an ASN
    })
    void malformedAsPathIsTreatedAsWithdraw(String value) {
        assertTreatAsWithdraw(ORIGIN + attr(0x40, 2, value) + NEXT_HOP);
    }

    @Test
    void fourOctetAsPathReadInATwoOctetSessionIsTreatedAsWithdraw() {
        // 6 bytes that make no whole number of 2-octet segments: type 2, count 1, then 4 bytes
        assertTreatAsWithdraw(ORIGIN + attr(0x40, 2, "02 01 0000fde9") + NEXT_HOP);
    }

    @Test
    void asPathWithWrongFlagsIsTreatedAsWithdraw() {
        assertTreatAsWithdraw(ORIGIN + attr(0xC0, 2, "02 01 fde9") + NEXT_HOP);
    }

    @ParameterizedTest
    @ValueSource(ints = {PathAttribute.ORIGIN, PathAttribute.AS_PATH, PathAttribute.NEXT_HOP})
    void missingMandatoryAttributeWithIpv4NlriIsTreatedAsWithdraw(int missing) {
        String attributes = (missing == PathAttribute.ORIGIN ? "" : ORIGIN)
                + (missing == PathAttribute.AS_PATH ? "" : AS_PATH)
                + (missing == PathAttribute.NEXT_HOP ? "" : NEXT_HOP);

        UpdateMessage u = updateOf(update("", attributes, NLRI));

        assertTreatAsWithdraw(u);
        assertThat(u.attributes()).hasSize(2);
    }

    @Test
    void nlriWithoutAnyAttributeIsTreatedAsWithdraw() {
        assertTreatAsWithdraw("");
    }

    @Test
    void mpReachWithoutAsPathIsTreatedAsWithdraw() {
        UpdateMessage u = updateOf(update("", ORIGIN + attr(0x80, 14, MP_REACH_V6), ""));

        assertThat(u.treatAsWithdraw()).isPresent();
        assertThat(u.withdrawnAll()).containsExactly(V6_PREFIX);
    }

    @Test
    void mpReachNeedsNoNextHopAttribute() {
        UpdateMessage u = updateOf(update("", ORIGIN + AS_PATH + attr(0x80, 14, MP_REACH_V6), ""));

        assertThat(u.treatAsWithdraw()).isEmpty();
        assertThat(u.announced()).containsExactly(V6_PREFIX);
    }

    @Test
    void attributeOverrunningTheAttributeSectionIsTreatedAsWithdraw() {
        // NEXT_HOP claims 8 bytes; 4 remain in the section
        assertTreatAsWithdraw(ORIGIN + AS_PATH + "40 03 08 c0000201");
    }

    @Test
    void extendedLengthAttributeOverrunningTheSectionIsTreatedAsWithdraw() {
        assertTreatAsWithdraw(MANDATORY + "d0 63 0100 abcd");
    }

    @Test
    void attributeHeaderCutShortIsTreatedAsWithdraw() {
        assertTreatAsWithdraw(MANDATORY + "40 05");
    }

    @Test
    void treatAsWithdrawCoversBothIpv4AndMpReachPrefixes() {
        UpdateMessage u = updateOf(update("",
                attr(0x40, 1, "07") + AS_PATH + NEXT_HOP + attr(0x80, 14, MP_REACH_V6), NLRI));

        assertThat(u.treatAsWithdraw()).isPresent();
        assertThat(u.withdrawnAll()).containsExactlyInAnyOrder(NLRI_PREFIX, V6_PREFIX);
    }

    // ---- attribute discard ----

    @Test
    void atomicAggregateOfLength1IsDiscarded() {
        UpdateMessage u = updateOf(update("", MANDATORY + attr(0x40, 6, "00"), NLRI));

        assertThat(u).isEqualTo(new UpdateMessage(List.of(), MANDATORY_ATTRIBUTES, List.of(NLRI_PREFIX)));
    }

    @Test
    void atomicAggregateWithWrongFlagsIsDiscarded() {
        UpdateMessage u = updateOf(update("", MANDATORY + attr(0xC0, 6, ""), NLRI));

        assertThat(u).isEqualTo(new UpdateMessage(List.of(), MANDATORY_ATTRIBUTES, List.of(NLRI_PREFIX)));
    }

    @ParameterizedTest
    @ValueSource(strings = {"fde9 0a000002 00", "fde9 0a0000", "0000fde9 0a000002"})
    void aggregatorOfWrongLengthIsDiscardedInATwoOctetSession(String value) {
        UpdateMessage u = updateOf(update("", MANDATORY + attr(0xC0, 7, value), NLRI));

        assertThat(u).isEqualTo(new UpdateMessage(List.of(), MANDATORY_ATTRIBUTES, List.of(NLRI_PREFIX)));
    }

    @Test
    void aggregatorOfSixBytesIsDiscardedInAFourOctetSession() {
        CodecContext ctx = new CodecContext();
        ctx.fourOctetAs(true);
        String asPath4 = attr(0x40, 2, "02 01 0000fde9");

        UpdateMessage u = updateOf(ctx, update("", ORIGIN + asPath4 + NEXT_HOP + attr(0xC0, 7, "fde9 0a000002"), NLRI));

        assertThat(u).isEqualTo(new UpdateMessage(List.of(), MANDATORY_ATTRIBUTES, List.of(NLRI_PREFIX)));
    }

    @Test
    void wellFormedAggregatorIsKept() {
        UpdateMessage u = updateOf(update("", MANDATORY + attr(0xC0, 7, "fde9 0a000002"), NLRI));

        assertThat(u.treatAsWithdraw()).isEmpty();
        assertThat(u.attribute(PathAttribute.Aggregator.class))
                .contains(new PathAttribute.Aggregator(PathAttribute.AGGREGATOR, 65001, 0x0A00_0002L));
    }

    @Test
    void malformedAs4PathIsDiscarded() {
        UpdateMessage u = updateOf(update("", MANDATORY + attr(0xC0, 17, "07 01 0000fde9"), NLRI));

        assertThat(u).isEqualTo(new UpdateMessage(List.of(), MANDATORY_ATTRIBUTES, List.of(NLRI_PREFIX)));
    }

    @Test
    void emptyAs4PathIsDiscarded() {
        // RFC 6793 §6: too short to carry one AS number
        UpdateMessage u = updateOf(update("", MANDATORY + attr(0xC0, 17, ""), NLRI));

        assertThat(u).isEqualTo(new UpdateMessage(List.of(), MANDATORY_ATTRIBUTES, List.of(NLRI_PREFIX)));
    }

    @Test
    void as4AggregatorOfWrongLengthIsDiscarded() {
        UpdateMessage u = updateOf(update("", MANDATORY + attr(0xC0, 18, "fde9 0a000002"), NLRI));

        assertThat(u).isEqualTo(new UpdateMessage(List.of(), MANDATORY_ATTRIBUTES, List.of(NLRI_PREFIX)));
    }

    // ---- accepted as they are ----

    @Test
    void withdrawOnlyUpdateWithoutAttributesIsFine() {
        UpdateMessage u = updateOf(update("10 0a01 18 c00002", "", ""));

        assertThat(u).isEqualTo(new UpdateMessage(List.of(NLRI_PREFIX, Prefix.ipv4(0xC000_0200, 24)), List.of(),
                List.of()));
        assertThat(u.endOfRibFamily()).isEmpty();
    }

    @Test
    void mpUnreachOnlyUpdateIsFine() {
        UpdateMessage u = updateOf(update("", attr(0x80, 15, "0002 01 30 20010db80001"), ""));

        assertThat(u.treatAsWithdraw()).isEmpty();
        assertThat(u.withdrawnAll()).containsExactly(V6_PREFIX);
    }

    @Test
    void unknownOptionalAttributeIsKept() {
        UpdateMessage u = updateOf(update("", MANDATORY + attr(0x80, 99, "abcd"), NLRI));

        assertThat(u.treatAsWithdraw()).isEmpty();
        assertThat(u.attributes()).last().isEqualTo(new PathAttribute.Unknown(0x80, 99, new byte[] {(byte) 0xAB,
                (byte) 0xCD}));
    }

    @Test
    void unknownOptionalTransitiveAttributeKeepsPartialBitAndDropsExtendedLengthBit() {
        UpdateMessage u = updateOf(update("", MANDATORY + attr(0xF0, 99, "abcd"), NLRI));

        assertThat(u.attributes()).last().isEqualTo(new PathAttribute.Unknown(0xE0, 99, new byte[] {(byte) 0xAB,
                (byte) 0xCD}));
    }

    @Test
    void duplicateOriginKeepsTheFirst() {
        UpdateMessage u = updateOf(update("", MANDATORY + attr(0x40, 1, "02"), NLRI));

        assertThat(u).isEqualTo(new UpdateMessage(List.of(), MANDATORY_ATTRIBUTES, List.of(NLRI_PREFIX)));
    }

    @Test
    void malformedRepeatOfAnAttributeIsDroppedUnread() {
        UpdateMessage u = updateOf(update("", MANDATORY + attr(0x40, 3, "00000000"), NLRI));

        assertThat(u).isEqualTo(new UpdateMessage(List.of(), MANDATORY_ATTRIBUTES, List.of(NLRI_PREFIX)));
    }

    @Test
    void unknownMpReachFamilyIsKeptWithoutPrefixes() {
        // AFI 25 (L2VPN), SAFI 70 (EVPN): not spoken here, never an error
        UpdateMessage u = updateOf(update("", ORIGIN + AS_PATH + attr(0x80, 14, "0019 46 04 0a000001 00 0102"), ""));

        assertThat(u.treatAsWithdraw()).isEmpty();
        assertThat(u.attribute(PathAttribute.MpReach.class)).contains(
                new PathAttribute.MpReach(25, 70, new byte[] {10, 0, 0, 1}, List.of()));
    }

    // ---- session reset ----

    @Test
    void unknownWellKnownAttributeIsUnrecognizedWithTheAttributeAsData() {
        byte[] bytes = update("", MANDATORY + attr(0x40, 99, "abcd"), NLRI);

        assertThat(malformed(bytes)).isEqualTo(notification(3, 2, "40 63 02 abcd"));
    }

    @Test
    void unknownWellKnownAttributeWithExtendedLengthHasItsTwoByteLengthInTheData() {
        byte[] bytes = update("", MANDATORY + attr(0x50, 99, "abcd"), NLRI);

        assertThat(malformed(bytes)).isEqualTo(notification(3, 2, "50 63 0002 abcd"));
    }

    @Test
    void duplicateMpReachIsMalformedAttributeList() {
        byte[] bytes = update("", ORIGIN + AS_PATH + attr(0x80, 14, MP_REACH_V6) + attr(0x80, 14, MP_REACH_V6), "");

        assertThat(malformed(bytes)).isEqualTo(notification(3, 1, ""));
    }

    @Test
    void duplicateMpUnreachIsMalformedAttributeList() {
        String unreach = attr(0x80, 15, "0002 01");

        assertThat(malformed(update("", unreach + unreach, ""))).isEqualTo(notification(3, 1, ""));
    }

    @ParameterizedTest
    @ValueSource(ints = {5, 0, 15, 17, 33})
    void mpReachWithBadIpv6NextHopLengthIsOptionalAttributeError(int nextHopLength) {
        String nextHop = "20".repeat(nextHopLength);
        String value = "0002 01" + String.format("%02x", nextHopLength) + nextHop + "00 30 20010db80001";

        assertThat(malformed(update("", ORIGIN + AS_PATH + attr(0x80, 14, value), "")))
                .isEqualTo(notification(3, 9, ""));
    }

    @Test
    void mpReachWithBadIpv4NextHopLengthIsOptionalAttributeError() {
        String value = "0001 01 05 0a00000100 00 18 0a0102";

        assertThat(malformed(update("", ORIGIN + AS_PATH + attr(0x80, 14, value), "")))
                .isEqualTo(notification(3, 9, ""));
    }

    @Test
    void mpReachWithTruncatedNlriIsOptionalAttributeError() {
        String value = "0002 01 10" + V6_NEXT_HOP + "00 40 20010db8";

        assertThat(malformed(update("", ORIGIN + AS_PATH + attr(0x80, 14, value), "")))
                .isEqualTo(notification(3, 9, ""));
    }

    @Test
    void mpReachWithPrefixLength129IsOptionalAttributeError() {
        String value = "0002 01 10" + V6_NEXT_HOP + "00 81" + "00".repeat(17);

        assertThat(malformed(update("", ORIGIN + AS_PATH + attr(0x80, 14, value), "")))
                .isEqualTo(notification(3, 9, ""));
    }

    @ParameterizedTest
    @ValueSource(strings = {"0002 01 10", "0002 01 10 20010db8 00"})
    void mpReachTooShortForItsNextHopIsOptionalAttributeError(String value) {
        assertThat(malformed(update("", ORIGIN + AS_PATH + attr(0x80, 14, value), "")))
                .isEqualTo(notification(3, 9, ""));
    }

    @ParameterizedTest
    @ValueSource(ints = {0x40, 0xC0, 0x00})
    void mpReachWithWrongFlagsIsAttributeFlagsError(int flags) {
        assertThat(malformed(update("", ORIGIN + AS_PATH + attr(flags, 14, MP_REACH_V6), "")))
                .isEqualTo(notification(3, 4, ""));
    }

    @Test
    void mpUnreachWithWrongFlagsIsAttributeFlagsError() {
        assertThat(malformed(update("", attr(0xC0, 15, "0002 01"), ""))).isEqualTo(notification(3, 4, ""));
    }

    @ParameterizedTest
    @ValueSource(strings = {"0002", "0002 01 30 2001", "0001 01 21 0a010203 00"})
    void malformedMpUnreachIsOptionalAttributeError(String value) {
        assertThat(malformed(update("", attr(0x80, 15, value), ""))).isEqualTo(notification(3, 9, ""));
    }

    @Test
    void mpReachOverrunningTheAttributeSectionIsMalformedAttributeList() {
        String overrun = "80 0e 40" + MP_REACH_V6; // claims 64 bytes, 28 follow

        assertThat(malformed(update("", ORIGIN + AS_PATH + overrun, ""))).isEqualTo(notification(3, 1, ""));
    }
}
