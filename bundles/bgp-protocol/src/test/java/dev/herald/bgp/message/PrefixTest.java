package dev.herald.bgp.message;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.herald.testing.Hex;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PrefixTest {
    private static Prefix v4(String address, int length) throws Exception {
        return Prefix.of(Afi.IPV4, InetAddress.getByName(address).getAddress(), length);
    }

    private static Prefix v6(String address, int length) throws Exception {
        return Prefix.of(Afi.IPV6, InetAddress.getByName(address).getAddress(), length);
    }

    // ---- construction ----

    @Test
    void ipv4FromBytesKeepsTheAddressInTheLow32Bits() {
        Prefix p = Prefix.of(Afi.IPV4, new byte[] {10, 1, 0, 0}, 16);

        assertThat(p.afi()).isEqualTo(Afi.IPV4);
        assertThat(p.hi()).isZero();
        assertThat(p.lo()).isEqualTo(0x0A01_0000L);
        assertThat(p.length()).isEqualTo(16);
        assertThat(p.addressBytes()).containsExactly(10, 1, 0, 0);
    }

    @Test
    void ipv4WithHighBitSetStaysPositive() {
        Prefix p = Prefix.of(Afi.IPV4, new byte[] {(byte) 192, 0, 2, 1}, 32);

        assertThat(p.lo()).isEqualTo(0xC000_0201L);
        assertThat(p).isEqualTo(Prefix.ipv4(0xC000_0201, 32));
    }

    @Test
    void ipv6FromBytesSplitsTheAddressInTwoHalves() {
        Prefix p = Prefix.of(Afi.IPV6, Hex.bytes("20010db8 00000000 00000000 00000001"), 128);

        assertThat(p.hi()).isEqualTo(0x2001_0db8_0000_0000L);
        assertThat(p.lo()).isEqualTo(1L);
        assertThat(p.addressBytes()).isEqualTo(Hex.bytes("20010db8 00000000 00000000 00000001"));
    }

    @Test
    void missingTrailingBytesAreZero() {
        assertThat(Prefix.of(Afi.IPV4, new byte[] {10, 1}, 16)).isEqualTo(Prefix.ipv4(0x0A01_0000, 16));
        assertThat(Prefix.of(Afi.IPV6, Hex.bytes("20010db8"), 32).toString()).isEqualTo("2001:db8::/32");
    }

    @Test
    void ipv4HostBitsAreMasked() {
        Prefix p = Prefix.of(Afi.IPV4, new byte[] {10, 1, 2, 3}, 16);

        assertThat(p.lo()).isEqualTo(0x0A01_0000L);
        assertThat(p).isEqualTo(Prefix.ipv4(0x0A01_0000, 16)).hasSameHashCodeAs(Prefix.ipv4(0x0A01_0000, 16));
        assertThat(p.toString()).isEqualTo("10.1.0.0/16");
    }

    @Test
    void ipv4HostBitsAreMaskedInsideAByte() {
        assertThat(Prefix.ipv4(0xC000_02FF, 25).toString()).isEqualTo("192.0.2.128/25");
        assertThat(Prefix.ipv4(0xFFFF_FFFF, 1).toString()).isEqualTo("128.0.0.0/1");
    }

    @Test
    void lengthZeroMasksEverything() {
        assertThat(Prefix.ipv4(0xFFFF_FFFF, 0).lo()).isZero();
        Prefix v6 = new Prefix(Afi.IPV6, -1L, -1L, 0);
        assertThat(v6.hi()).isZero();
        assertThat(v6.lo()).isZero();
    }

    @ParameterizedTest
    @CsvSource({
        "1,   8000000000000000, 0000000000000000",
        "48,  ffffffffffff0000, 0000000000000000",
        "63,  fffffffffffffffe, 0000000000000000",
        "64,  ffffffffffffffff, 0000000000000000",
        "65,  ffffffffffffffff, 8000000000000000",
        "127, ffffffffffffffff, fffffffffffffffe",
        "128, ffffffffffffffff, ffffffffffffffff"
    })
    void ipv6HostBitsAreMaskedAtEveryBoundary(int length, String hi, String lo) {
        Prefix p = new Prefix(Afi.IPV6, -1L, -1L, length);

        assertThat(p.hi()).isEqualTo(Long.parseUnsignedLong(hi, 16));
        assertThat(p.lo()).isEqualTo(Long.parseUnsignedLong(lo, 16));
    }

    @Test
    void ipv6HostBitsAreMaskedFromBytes() throws Exception {
        assertThat(v6("2001:db8:1:2:3:4:5:6", 48)).isEqualTo(v6("2001:db8:1::", 48));
        assertThat(v6("2001:db8:1:2:3:4:5:6", 48).toString()).isEqualTo("2001:db8:1::/48");
    }

    @Test
    void lengthOutOfRangeIsRejected() {
        assertThatThrownBy(() -> Prefix.ipv4(0, 33)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Prefix.ipv4(0, -1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Prefix(Afi.IPV6, 0, 0, 129)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void ipv4AddressBeyond32BitsIsRejected() {
        assertThatThrownBy(() -> new Prefix(Afi.IPV4, 0, 0x1_0000_0000L, 32))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Prefix(Afi.IPV4, 1, 0, 32)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void hostRoutesFromInetAddresses() throws Exception {
        assertThat(Prefix.host(InetAddress.getByName("192.0.2.7"))).isEqualTo(Prefix.ipv4(0xC000_0207, 32));
        Prefix v6 = Prefix.host(InetAddress.getByName("2001:db8::7"));
        assertThat(v6.afi()).isEqualTo(Afi.IPV6);
        assertThat(v6.length()).isEqualTo(128);
        assertThat(v6.address()).isEqualTo(InetAddress.getByName("2001:db8::7"));
    }

    // ---- text ----

    @ParameterizedTest
    @CsvSource({
        "2001:db8:0:0:0:0:0:1,                 128, 2001:db8::1/128",
        "0:0:0:0:0:0:0:0,                      0,   ::/0",
        "fd00:10:244:1:0:0:0:0,                64,  fd00:10:244:1::/64",
        "0:0:0:0:0:0:0:1,                      128, ::1/128",
        "2001:db8:0:1:1:1:1:1,                 128, 2001:db8:0:1:1:1:1:1/128",
        "2001:0:0:1:0:0:0:1,                   128, 2001:0:0:1::1/128",
        "2001:db8:0:0:1:0:0:1,                 128, 2001:db8::1:0:0:1/128",
        "1:0:0:0:0:0:0:0,                      16,  1::/16",
        "0:0:1:0:0:0:0:0,                      48,  0:0:1::/48",
        "2001:DB8:ABCD:12:FFFF:0:0:1,          128, 2001:db8:abcd:12:ffff::1/128",
        "1:2:3:4:5:6:7:8,                      128, 1:2:3:4:5:6:7:8/128",
        "fe80:0:0:0:0:0:0:0,                   10,  fe80::/10"
    })
    void ipv6TextFollowsRfc5952(String address, int length, String expected) throws Exception {
        assertThat(v6(address, length).toString()).isEqualTo(expected);
    }

    @ParameterizedTest
    @CsvSource({"10.1.0.0, 16, 10.1.0.0/16", "0.0.0.0, 0, 0.0.0.0/0", "255.255.255.255, 32, 255.255.255.255/32"})
    void ipv4TextIsDottedQuad(String address, int length, String expected) throws Exception {
        assertThat(v4(address, length).toString()).isEqualTo(expected);
    }

    // ---- ordering ----

    @Test
    void ipv4SortsBeforeIpv6() throws Exception {
        assertThat(v4("255.255.255.255", 32)).isLessThan(v6("::", 0));
    }

    @Test
    void addressesCompareUnsigned() throws Exception {
        assertThat(v4("10.0.0.0", 8)).isLessThan(v4("192.0.2.0", 24));
        assertThat(v6("2001:db8::", 32)).isLessThan(v6("ff00::", 8));
        assertThat(v6("::1", 128)).isLessThan(v6("::8000:0:0:0", 128));
    }

    @Test
    void sameAddressSortsShorterFirst() throws Exception {
        assertThat(v4("10.0.0.0", 8)).isLessThan(v4("10.0.0.0", 16));
        assertThat(v6("2001:db8::", 32)).isLessThan(v6("2001:db8::", 48));
    }

    @Test
    void sortingAMixedListOrdersByFamilyAddressAndLength() throws Exception {
        List<Prefix> list = new ArrayList<>(List.of(v6("fd00::", 8), v4("192.0.2.0", 24), v6("2001:db8::", 32),
                v4("10.0.0.0", 16), v4("10.0.0.0", 8), v4("128.0.0.0", 1)));

        list.sort(null);

        assertThat(list).containsExactly(v4("10.0.0.0", 8), v4("10.0.0.0", 16), v4("128.0.0.0", 1),
                v4("192.0.2.0", 24), v6("2001:db8::", 32), v6("fd00::", 8));
    }

    @Test
    void compareToIsConsistentWithEquals() throws Exception {
        assertThat(v4("10.1.2.3", 16)).isEqualByComparingTo(v4("10.1.0.0", 16));
    }

    // ---- encoded size ----

    @ParameterizedTest
    @CsvSource({"0, 1", "1, 2", "8, 2", "9, 3", "16, 3", "24, 4", "25, 5", "32, 5"})
    void ipv4EncodedSizeIsLengthByteAndSignificantBytes(int length, int size) {
        assertThat(Prefix.ipv4(0, length).encodedSize()).isEqualTo(size);
    }

    @ParameterizedTest
    @CsvSource({"0, 1", "48, 7", "64, 9", "65, 10", "127, 17", "128, 17"})
    void ipv6EncodedSizeIsLengthByteAndSignificantBytes(int length, int size) {
        assertThat(new Prefix(Afi.IPV6, 0, 0, length).encodedSize()).isEqualTo(size);
    }
}
