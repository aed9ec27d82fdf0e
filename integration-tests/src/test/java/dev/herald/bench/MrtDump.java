package dev.herald.bench;

import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Writes an MRT TABLE_DUMP_V2 file (RFC 6396) of host routes with ORIGIN IGP, an empty AS_PATH and an unspecified
 * next hop, so that {@code gobgp mrt inject global FILE} feeds a table to gobgpd through its API: the benchmark's
 * gobgpd reference.
 */
final class MrtDump {
    private static final int TABLE_DUMP_V2 = 13;
    private static final int PEER_INDEX_TABLE = 1;
    private static final int RIB_IPV4_UNICAST = 2;
    private static final int RIB_IPV6_UNICAST = 4;

    private MrtDump() {
    }

    /** {@code v4} as 32-bit addresses (/32), {@code v6} as 16-byte addresses (/128). */
    static void write(Path file, List<Integer> v4, List<byte[]> v6) throws IOException {
        try (OutputStream os = Files.newOutputStream(file);
             DataOutputStream out = new DataOutputStream(new java.io.BufferedOutputStream(os, 1 << 16))) {
            // one peer, index 0: IPv4 address 0.0.0.0, 4-byte AS 0 (the injecting side)
            byte[] peerIndex = concat(u32(0x0A00_00FEL), u16(0), u16(1), new byte[] {0x02}, u32(0x0A00_00FEL),
                    u32(0), u32(0));
            record(out, PEER_INDEX_TABLE, peerIndex);
            int seq = 0;
            byte[] v4Attrs = concat(
                    new byte[] {0x40, 1, 1, 0},           // ORIGIN IGP
                    new byte[] {0x40, 2, 0},              // AS_PATH empty
                    new byte[] {0x40, 3, 4, 0, 0, 0, 0}); // NEXT_HOP 0.0.0.0: the speaker's own address
            for (int a : v4) {
                byte[] prefix = {32, (byte) (a >>> 24), (byte) (a >>> 16), (byte) (a >>> 8), (byte) a};
                record(out, RIB_IPV4_UNICAST, concat(u32(seq++), prefix, u16(1), u16(0), u32(0),
                        u16(v4Attrs.length), v4Attrs));
            }
            // RFC 6396 §4.3.4: in a RIB entry MP_REACH_NLRI holds only the next-hop length and address
            byte[] mpReach = concat(new byte[] {(byte) 0x80, 14, 17, 16}, new byte[16]);
            byte[] v6Attrs = concat(new byte[] {0x40, 1, 1, 0}, new byte[] {0x40, 2, 0}, mpReach);
            for (byte[] a : v6) {
                byte[] prefix = concat(new byte[] {(byte) 128}, a);
                record(out, RIB_IPV6_UNICAST, concat(u32(seq++), prefix, u16(1), u16(0), u32(0),
                        u16(v6Attrs.length), v6Attrs));
            }
        }
    }

    private static void record(DataOutputStream out, int subtype, byte[] body) throws IOException {
        out.writeInt(0); // timestamp
        out.writeShort(TABLE_DUMP_V2);
        out.writeShort(subtype);
        out.writeInt(body.length);
        out.write(body);
    }

    private static byte[] u16(int v) {
        return new byte[] {(byte) (v >>> 8), (byte) v};
    }

    private static byte[] u32(long v) {
        return new byte[] {(byte) (v >>> 24), (byte) (v >>> 16), (byte) (v >>> 8), (byte) v};
    }

    private static byte[] concat(byte[]... parts) {
        int n = 0;
        for (byte[] p : parts) {
            n += p.length;
        }
        byte[] out = new byte[n];
        int i = 0;
        for (byte[] p : parts) {
            System.arraycopy(p, 0, out, i, p.length);
            i += p.length;
        }
        return out;
    }
}
