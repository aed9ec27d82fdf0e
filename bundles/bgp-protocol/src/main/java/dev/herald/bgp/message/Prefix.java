package dev.herald.bgp.message;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
import org.osgi.annotation.versioning.ProviderType;

/**
 * An IPv4 or IPv6 prefix in the compact form tables keep per route: the address in two longs (IPv4 in the low 32
 * bits of {@code lo}), and the length. Host bits are always zero. Value semantics; ordered IPv4 first, then by
 * address, then by length.
 */
@ProviderType
public record Prefix(Afi afi, long hi, long lo, int length) implements Comparable<Prefix> {
    public Prefix {
        if (length < 0 || length > afi.maxPrefixLength()) {
            throw new IllegalArgumentException("prefix length " + length + " out of range for " + afi);
        }
        if (afi == Afi.IPV4) {
            if (hi != 0 || (lo >>> 32) != 0) {
                throw new IllegalArgumentException("IPv4 address out of range");
            }
            lo &= mask32(length);
        } else {
            long[] m = mask128(length);
            hi &= m[0];
            lo &= m[1];
        }
    }

    /** Builds a prefix from address bytes (4 or 16, or fewer: missing trailing bytes are zero). */
    public static Prefix of(Afi afi, byte[] address, int length) {
        byte[] full = Arrays.copyOf(address, afi.addressBytes());
        long hi = 0;
        long lo = 0;
        if (afi == Afi.IPV4) {
            for (int i = 0; i < 4; i++) {
                lo = (lo << 8) | (full[i] & 0xFF);
            }
        } else {
            for (int i = 0; i < 8; i++) {
                hi = (hi << 8) | (full[i] & 0xFF);
            }
            for (int i = 8; i < 16; i++) {
                lo = (lo << 8) | (full[i] & 0xFF);
            }
        }
        return new Prefix(afi, hi, lo, length);
    }

    /** Host route for an {@link InetAddress}. */
    public static Prefix host(InetAddress address) {
        byte[] b = address.getAddress();
        Afi afi = b.length == 4 ? Afi.IPV4 : Afi.IPV6;
        return of(afi, b, afi.maxPrefixLength());
    }

    public static Prefix ipv4(int address, int length) {
        return new Prefix(Afi.IPV4, 0, address & 0xFFFF_FFFFL, length);
    }

    /** The address bytes (4 or 16). */
    public byte[] addressBytes() {
        byte[] out = new byte[afi.addressBytes()];
        if (afi == Afi.IPV4) {
            for (int i = 0; i < 4; i++) {
                out[i] = (byte) (lo >>> (24 - 8 * i));
            }
        } else {
            for (int i = 0; i < 8; i++) {
                out[i] = (byte) (hi >>> (56 - 8 * i));
                out[8 + i] = (byte) (lo >>> (56 - 8 * i));
            }
        }
        return out;
    }

    /** Bytes the prefix takes in NLRI encoding: one length byte plus the significant address bytes. */
    public int encodedSize() {
        return 1 + (length + 7) / 8;
    }

    public InetAddress address() {
        try {
            return InetAddress.getByAddress(addressBytes());
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public String toString() {
        return (afi == Afi.IPV4 ? address().getHostAddress() : ipv6Text()) + "/" + length;
    }

    /** RFC 5952 text: lower case, the longest run of two or more zero groups as "::". */
    private String ipv6Text() {
        int[] g = new int[8];
        for (int i = 0; i < 4; i++) {
            g[i] = (int) (hi >>> (48 - 16 * i)) & 0xFFFF;
            g[4 + i] = (int) (lo >>> (48 - 16 * i)) & 0xFFFF;
        }
        int bestStart = -1;
        int bestLen = 1;
        for (int i = 0; i < 8; ) {
            int j = i;
            while (j < 8 && g[j] == 0) {
                j++;
            }
            if (j - i > bestLen) {
                bestStart = i;
                bestLen = j - i;
            }
            i = j == i ? i + 1 : j;
        }
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < 8; i++) {
            if (i == bestStart) {
                sb.append("::");
                i += bestLen - 1;
                continue;
            }
            if (sb.length() > 0 && sb.charAt(sb.length() - 1) != ':') {
                sb.append(':');
            }
            sb.append(Integer.toHexString(g[i]));
        }
        return sb.toString();
    }

    @Override
    public int compareTo(Prefix o) {
        int c = afi.compareTo(o.afi);
        if (c == 0) {
            c = Long.compareUnsigned(hi, o.hi);
        }
        if (c == 0) {
            c = Long.compareUnsigned(lo, o.lo);
        }
        return c != 0 ? c : Integer.compare(length, o.length);
    }

    private static long mask32(int length) {
        return length == 0 ? 0 : (0xFFFF_FFFFL << (32 - length)) & 0xFFFF_FFFFL;
    }

    private static long[] mask128(int length) {
        long hiMask = length >= 64 ? -1L : length == 0 ? 0 : -1L << (64 - length);
        long loMask = length <= 64 ? 0 : length == 128 ? -1L : -1L << (128 - length);
        return new long[] {hiMask, loMask};
    }
}
