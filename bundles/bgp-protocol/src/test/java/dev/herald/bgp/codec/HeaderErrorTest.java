package dev.herald.bgp.codec;

import static dev.herald.bgp.codec.Wire.hex;
import static dev.herald.bgp.codec.Wire.malformed;
import static dev.herald.bgp.codec.Wire.notification;
import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.bgp.message.BgpMessage;
import dev.herald.bgp.message.UpdateMessage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Message header errors, RFC 4271 §6.1, and the per-type length limits of RFC 4271 §4 and RFC 8654. */
class HeaderErrorTest {
    private static CodecContext extended() {
        CodecContext ctx = new CodecContext();
        ctx.extendedMessages(true);
        return ctx;
    }

    @Test
    void markerNotAllOnesIsConnectionNotSynchronized() {
        byte[] keepalive = hex(Wire.header(4, 19));
        keepalive[7] = (byte) 0xFE;

        assertThat(malformed(keepalive)).isEqualTo(notification(1, 1, ""));
    }

    @Test
    void allZeroMarkerIsConnectionNotSynchronized() {
        assertThat(malformed(hex("00".repeat(16) + "0013 04"))).isEqualTo(notification(1, 1, ""));
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 18})
    void lengthShorterThanAHeaderIsBadLengthWithTheLength(int length) {
        assertThat(malformed(hex(Wire.header(4, length))))
                .isEqualTo(notification(1, 2, String.format("%04x", length)));
    }

    @ParameterizedTest
    @ValueSource(ints = {BgpMessage.UPDATE, BgpMessage.NOTIFICATION, BgpMessage.OPEN, BgpMessage.KEEPALIVE})
    void lengthAbove4096IsBadLengthWithoutExtendedMessages(int type) {
        // the length is judged from the header alone, before the body arrives
        assertThat(malformed(hex(Wire.header(type, 4097)))).isEqualTo(notification(1, 2, "1001"));
    }

    @Test
    void maximumLengthUpdateIsBadLengthWithoutExtendedMessages() {
        assertThat(malformed(hex(Wire.header(BgpMessage.UPDATE, 65535)))).isEqualTo(notification(1, 2, "ffff"));
    }

    @ParameterizedTest
    @ValueSource(ints = {4097, 65535})
    void updateAbove4096IsAcceptedWithExtendedMessages(int length) {
        int padding = length - 19 - 4 - 4; // one optional transitive attribute with a 2-byte length
        byte[] bytes = Wire.update("", Wire.attr(0xD0, 99, "ab".repeat(padding)), "");
        assertThat(bytes).hasSize(length);

        Object decoded = Wire.decode(extended(), bytes);

        assertThat(decoded).isInstanceOf(UpdateMessage.class);
        assertThat(((UpdateMessage) decoded).attributes()).singleElement()
                .satisfies(a -> assertThat(a.typeCode()).isEqualTo(99));
    }

    @Test
    void notificationAbove4096IsAcceptedWithExtendedMessages() {
        byte[] bytes = Wire.message(BgpMessage.NOTIFICATION, "0602" + "00".repeat(5000));

        assertThat(Wire.decode(extended(), bytes)).isInstanceOf(dev.herald.bgp.message.NotificationMessage.class);
    }

    @ParameterizedTest
    @ValueSource(ints = {BgpMessage.OPEN, BgpMessage.KEEPALIVE})
    void openAndKeepaliveNeverExceed4096EvenWithExtendedMessages(int type) {
        assertThat(malformed(extended(), hex(Wire.header(type, 4097)))).isEqualTo(notification(1, 2, "1001"));
    }

    @Test
    void keepaliveOfLength20IsBadLength() {
        assertThat(malformed(hex(Wire.header(4, 20) + "00"))).isEqualTo(notification(1, 2, "0014"));
    }

    @Test
    void truncatedOpenIsBadLength() {
        // 28 bytes: one short of the smallest OPEN
        assertThat(malformed(hex(Wire.header(1, 28) + "04 fde9 005a 0a000001"))).isEqualTo(notification(1, 2, "001c"));
    }

    @Test
    void updateShorterThan23IsBadLength() {
        assertThat(malformed(hex(Wire.header(2, 22) + "000000"))).isEqualTo(notification(1, 2, "0016"));
    }

    @Test
    void notificationShorterThan21IsBadLength() {
        assertThat(malformed(hex(Wire.header(3, 20) + "06"))).isEqualTo(notification(1, 2, "0014"));
    }

    @ParameterizedTest
    @ValueSource(ints = {22, 24})
    void routeRefreshOfOtherThan23IsBadLength(int length) {
        assertThat(malformed(hex(Wire.header(5, length) + "00".repeat(length - 19))))
                .isEqualTo(notification(1, 2, String.format("%04x", length)));
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 6, 9, 255})
    void unknownTypeIsBadMessageTypeWithTheType(int type) {
        assertThat(malformed(hex(Wire.header(type, 19)))).isEqualTo(notification(1, 3, String.format("%02x", type)));
    }
}
