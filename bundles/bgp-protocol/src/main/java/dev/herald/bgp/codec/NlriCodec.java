package dev.herald.bgp.codec;

import dev.herald.bgp.message.Afi;
import dev.herald.bgp.message.Prefix;
import io.netty.buffer.ByteBuf;
import java.util.ArrayList;
import java.util.List;

/** Prefixes in NLRI form (RFC 4271 §4.3): a length in bits, then just enough bytes to hold it. */
final class NlriCodec {
    private NlriCodec() {
    }

    /**
     * Reads prefixes until {@code in} is exhausted.
     *
     * @throws IllegalArgumentException when a length exceeds the family's maximum or the field ends mid-prefix
     */
    static List<Prefix> read(ByteBuf in, Afi afi) {
        List<Prefix> out = new ArrayList<>();
        byte[] buf = new byte[afi.addressBytes()];
        while (in.isReadable()) {
            int length = in.readUnsignedByte();
            if (length > afi.maxPrefixLength()) {
                throw new IllegalArgumentException("prefix length " + length + " exceeds " + afi.maxPrefixLength());
            }
            int bytes = (length + 7) / 8;
            if (in.readableBytes() < bytes) {
                throw new IllegalArgumentException("prefix of length " + length + " needs " + bytes
                        + " bytes, only " + in.readableBytes() + " left");
            }
            java.util.Arrays.fill(buf, (byte) 0);
            in.readBytes(buf, 0, bytes);
            out.add(Prefix.of(afi, buf, length));
        }
        return out;
    }

    static void write(ByteBuf out, Prefix p) {
        out.writeByte(p.length());
        int bytes = (p.length() + 7) / 8;
        if (p.afi() == Afi.IPV4) {
            for (int i = 0; i < bytes; i++) {
                out.writeByte((int) (p.lo() >>> (24 - 8 * i)));
            }
        } else {
            for (int i = 0; i < bytes; i++) {
                long word = i < 8 ? p.hi() : p.lo();
                out.writeByte((int) (word >>> (56 - 8 * (i % 8))));
            }
        }
    }

    /** Bytes these prefixes take in NLRI form. */
    static int length(List<Prefix> prefixes) {
        int n = 0;
        for (Prefix p : prefixes) {
            n += p.encodedSize();
        }
        return n;
    }

    static void write(ByteBuf out, List<Prefix> prefixes) {
        for (Prefix p : prefixes) {
            write(out, p);
        }
    }
}
