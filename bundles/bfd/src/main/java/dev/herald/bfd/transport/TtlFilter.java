package dev.herald.bfd.transport;

import io.netty.channel.Channel;
import io.netty.channel.unix.Buffer;
import io.netty.channel.unix.RawUnixChannelOption;
import java.lang.ref.Reference;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * The receive-side TTL check of RFC 5881 §5 (GTSM, RFC 5082) as a classic BPF socket filter: the kernel drops every
 * datagram whose IPv4 TTL or IPv6 hop limit is below a minimum before it reaches the socket.
 *
 * <p>Why a filter: Linux applies {@code IP_MINTTL} and {@code IPV6_MINHOPCOUNT} to TCP only (a UDP socket with them
 * still receives TTL 64), and Netty's epoll datagram channel does not hand out the {@code IP_RECVTTL} control
 * message. A socket filter sees the network header at the negative offset {@code SKF_NET_OFF}, works for both
 * families on one socket (IPv4 packets on a dual-stack IPv6 socket included), and costs a few instructions per
 * packet. docs/bfd.md ("TTL handling") has the details.
 */
final class TtlFilter {
    /** setsockopt level and name: SOL_SOCKET, SO_ATTACH_FILTER (Linux). */
    private static final int SOL_SOCKET = 1;
    private static final int SO_ATTACH_FILTER = 26;
    /** Offsets relative to the network header are written as SKF_NET_OFF + n. */
    private static final int SKF_NET_OFF = -0x100000;

    // classic BPF opcodes
    private static final short LD_B_ABS = 0x30;
    private static final short ALU_AND_K = 0x54;
    private static final short JMP_JEQ_K = 0x15;
    private static final short JMP_JGE_K = 0x35;
    private static final short JMP_JA = 0x05;
    private static final short RET_K = 0x06;

    private TtlFilter() {
    }

    /**
     * The program: load the first byte of the IP header; if its version nibble is 4, load the TTL (offset 8), else
     * the IPv6 hop limit (offset 7); accept the whole packet if it is at least {@code minTtl}, else drop it.
     */
    static int[][] program(int minTtl) {
        if (minTtl < 1 || minTtl > 255) {
            throw new IllegalArgumentException("minimum TTL " + minTtl + " is not in 1-255");
        }
        return new int[][] {
            {LD_B_ABS, 0, 0, SKF_NET_OFF},      // 0: A = ip[0]
            {ALU_AND_K, 0, 0, 0xF0},            // 1: A &= 0xf0
            {JMP_JEQ_K, 0, 2, 0x40},            // 2: IPv4? next : 5
            {LD_B_ABS, 0, 0, SKF_NET_OFF + 8},  // 3: A = ipv4 TTL
            {JMP_JA, 0, 0, 1},                  // 4: goto 6
            {LD_B_ABS, 0, 0, SKF_NET_OFF + 7},  // 5: A = ipv6 hop limit
            {JMP_JGE_K, 0, 1, minTtl},          // 6: A >= min? 7 : 8
            {RET_K, 0, 0, 0xFFFF_FFFF},         // 7: accept
            {RET_K, 0, 0, 0},                   // 8: drop
        };
    }

    /** Attaches the filter to a native (epoll) socket. */
    static void attach(Channel channel, int minTtl) {
        int[][] program = program(minTtl);
        // struct sock_filter { u16 code; u8 jt; u8 jf; u32 k; }, native order
        ByteBuffer filter = ByteBuffer.allocateDirect(program.length * 8).order(ByteOrder.nativeOrder());
        for (int[] ins : program) {
            filter.putShort((short) ins[0]).put((byte) ins[1]).put((byte) ins[2]).putInt(ins[3]);
        }
        // struct sock_fprog { unsigned short len; struct sock_filter *filter; }: the pointer is aligned to its size
        int pointer = Buffer.addressSize();
        ByteBuffer fprog = ByteBuffer.allocateDirect(2 * pointer).order(ByteOrder.nativeOrder());
        fprog.putShort(0, (short) program.length);
        long address = Buffer.memoryAddress(filter);
        if (pointer == 8) {
            fprog.putLong(pointer, address);
        } else {
            fprog.putInt(pointer, (int) address);
        }
        try {
            channel.config().setOption(
                    new RawUnixChannelOption("BFD_SO_ATTACH_FILTER", SOL_SOCKET, SO_ATTACH_FILTER, fprog.capacity()),
                    fprog);
        } finally {
            Reference.reachabilityFence(filter); // the kernel reads it during setsockopt
        }
    }
}
