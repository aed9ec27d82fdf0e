package dev.herald.bgp.codec;

import static dev.herald.bgp.codec.Wire.malformed;
import static dev.herald.bgp.codec.Wire.notification;
import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.bgp.message.BgpMessage;
import dev.herald.bgp.message.Capability;
import dev.herald.bgp.message.OpenMessage;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** OPEN message errors, RFC 4271 §6.2 and RFC 5492. */
class OpenErrorTest {
    /** An OPEN for AS 65001, hold 90, id 10.0.0.1 with these optional parameters and a correct length for them. */
    private static byte[] open(String parametersHex) {
        int length = Wire.hex(parametersHex).length;
        return Wire.message(BgpMessage.OPEN, "04 fde9 005a 0a000001" + String.format("%02x", length) + parametersHex);
    }

    @ParameterizedTest
    @ValueSource(ints = {3, 5, 0})
    void unsupportedVersionAnswersWithVersion4(int version) {
        byte[] bytes = Wire.message(BgpMessage.OPEN, String.format("%02x", version) + "fde9 005a 0a000001 00");

        assertThat(malformed(bytes)).isEqualTo(notification(2, 1, "0004"));
    }

    @Test
    void optionalParametersLongerThanTheMessageIsBadLength() {
        // says 16 bytes of parameters, 8 follow: a message of 37 bytes
        byte[] bytes = Wire.message(BgpMessage.OPEN, "04 fde9 005a 0a000001 10" + "0206 01040001 0001");

        assertThat(malformed(bytes)).isEqualTo(notification(1, 2, "0025"));
    }

    @Test
    void optionalParametersShorterThanTheMessageIsBadLength() {
        // says 0 bytes of parameters, 8 follow
        byte[] bytes = Wire.message(BgpMessage.OPEN, "04 fde9 005a 0a000001 00" + "0206 01040001 0001");

        assertThat(malformed(bytes)).isEqualTo(notification(1, 2, "0025"));
    }

    @Test
    void optionalParameterOtherThanCapabilitiesIsUnsupported() {
        // type 1 was authentication, deprecated by RFC 4271
        assertThat(malformed(open("01 02 abcd"))).isEqualTo(notification(2, 4, ""));
    }

    @Test
    void fourOctetAsCapabilityOfLength2IsMalformed() {
        assertThat(malformed(open("02 04 41 02 fde9"))).isEqualTo(notification(2, 0, ""));
    }

    @Test
    void multiprotocolCapabilityOfLength3IsMalformed() {
        assertThat(malformed(open("02 05 01 03 0001 00"))).isEqualTo(notification(2, 0, ""));
    }

    @ParameterizedTest
    @ValueSource(strings = {"02 01 ff", "06 01 00"})
    void routeRefreshOrExtendedMessageCapabilityWithAValueIsMalformed(String capabilityHex) {
        assertThat(malformed(open("02 03 " + capabilityHex))).isEqualTo(notification(2, 0, ""));
    }

    @ParameterizedTest
    @ValueSource(strings = {"40 01 80", "40 05 0078 0001 01"})
    void gracefulRestartCapabilityOfBadLengthIsMalformed(String capabilityHex) {
        int length = Wire.hex(capabilityHex).length;
        assertThat(malformed(open(String.format("02%02x", length) + capabilityHex))).isEqualTo(notification(2, 0, ""));
    }

    @Test
    void capabilityOverrunningItsParameterIsMalformed() {
        assertThat(malformed(open("02 04 41 04 0000"))).isEqualTo(notification(2, 0, ""));
    }

    @Test
    void truncatedCapabilityHeaderIsMalformed() {
        assertThat(malformed(open("02 01 41"))).isEqualTo(notification(2, 0, ""));
    }

    @Test
    void optionalParameterOverrunningTheOpenIsMalformed() {
        assertThat(malformed(open("02 08 41 04 0000fde9"))).isEqualTo(notification(2, 0, ""));
    }

    @Test
    void truncatedOptionalParameterHeaderIsMalformed() {
        assertThat(malformed(open("02"))).isEqualTo(notification(2, 0, ""));
    }

    @Test
    void unknownCapabilityIsKeptWithItsValue() {
        Object decoded = Wire.decode(open("02 05 49 03 616263 02 02 02 00"));

        assertThat(decoded).isEqualTo(new OpenMessage(4, 65001, 90, 0x0A00_0001L,
                List.of(new Capability.Unknown(0x49, new byte[] {'a', 'b', 'c'}), new Capability.RouteRefresh())));
    }

    @Test
    void emptyCapabilitiesParameterIsAccepted() {
        assertThat(Wire.decode(open("02 00"))).isEqualTo(new OpenMessage(4, 65001, 90, 0x0A00_0001L, List.of()));
    }

    @Test
    void unacceptableValuesAreLeftToTheSession() {
        // hold time 1 and identifier 0 are syntactically fine: the session judges them
        Object decoded = Wire.decode(Wire.message(BgpMessage.OPEN, "04 fde9 0001 00000000 00"));

        assertThat(decoded).isEqualTo(new OpenMessage(4, 65001, 1, 0, List.of()));
    }
}
