package dev.herald.bgp.transport;

import io.netty.channel.ChannelException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/** The argument of setsockopt(TCP_MD5SIG_EXT) for a key that covers every address of one family. */
final class Md5RangeKey {
    /** sizeof(struct tcp_md5sig). */
    static final int SIZE = 216;

    private Md5RangeKey() {
    }

    /**
     * {@code struct tcp_md5sig} of linux/tcp.h for the prefix ::/0 or 0.0.0.0/0 (the listen address's family): a
     * sockaddr_storage (128 bytes), flags, prefix length, key length, ifindex, 80 key bytes.
     */
    static ByteBuffer of(boolean v6Socket, InetAddress listen, byte[] key) {
        if (key.length > 80) {
            throw new IllegalArgumentException("a TCP-MD5 key is at most 80 bytes");
        }
        ByteBuffer b = ByteBuffer.allocateDirect(SIZE).order(ByteOrder.nativeOrder());
        boolean v4Range = listen instanceof Inet4Address;
        if (v6Socket) {
            b.putShort(0, (short) 10); // AF_INET6; port, flow info and the address stay 0 ...
            if (v4Range) {
                b.put(8 + 10, (byte) 0xFF); // ... or ::ffff:0.0.0.0, which the kernel keys as IPv4
                b.put(8 + 11, (byte) 0xFF);
            }
        } else {
            if (!v4Range) {
                throw new ChannelException("an IPv4 socket cannot take an IPv6 key");
            }
            b.putShort(0, (short) 2); // AF_INET, address 0.0.0.0
        }
        b.put(128, (byte) 1); // TCP_MD5SIG_FLAG_PREFIX
        b.put(129, (byte) 0); // prefix length 0: every address of the family
        b.putShort(130, (short) key.length);
        b.putInt(132, 0); // any interface
        b.put(136, key);
        b.position(0).limit(SIZE);
        return b;
    }
}
