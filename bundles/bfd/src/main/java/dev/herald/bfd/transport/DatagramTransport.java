package dev.herald.bfd.transport;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFactory;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.FixedRecvByteBufAllocator;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollChannelOption;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketProtocolFamily;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.channel.unix.IntegerUnixChannelOption;
import java.util.concurrent.ThreadFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The datagram socket layer: Netty's native epoll (TTL setting and check) or Java NIO (neither). */
abstract class DatagramTransport {
    private static final Logger LOG = LoggerFactory.getLogger(DatagramTransport.class);

    abstract String name();

    abstract EventLoopGroup newEventLoopGroup(ThreadFactory threads);

    abstract ChannelFactory<Channel> channelFactory(boolean ipv6);

    /** Whether {@link #sendWithTtl255} and {@link #dropBelowTtl} work. */
    abstract boolean supportsTtl();

    /** Sets the TTL (IPv4) or hop limit (IPv6) of every packet the socket sends to 255. */
    abstract void sendWithTtl255(Channel channel, boolean ipv6);

    /** Has the kernel drop received packets whose TTL / hop limit is below {@code minTtl}. */
    abstract void dropBelowTtl(Channel channel, int minTtl);

    /**
     * Sets how the receive socket of {@code b} reads: at most {@code maxMessagesPerRead} datagrams a round, as few
     * system calls as the transport allows.
     */
    abstract void readInBatches(Bootstrap b, int maxMessagesPerRead);

    /** Asks for each packet's destination address (so packets tell which local address they came to), if possible. */
    abstract void reportDestinationAddress(Channel channel);

    static DatagramTransport choose(BfdEndpointConfig.TransportKind kind) {
        switch (kind) {
            case NIO:
                return new Nio();
            case EPOLL:
                if (!epollAvailable()) {
                    throw new IllegalStateException("the native epoll transport is not available: "
                            + Epoll.unavailabilityCause());
                }
                return new Native();
            default:
                if (epollAvailable()) {
                    return new Native();
                }
                LOG.warn("Native epoll transport unavailable; BFD uses Java NIO, without TTL 255 or the TTL check");
                return new Nio();
        }
    }

    private static boolean epollAvailable() {
        try {
            return Epoll.isAvailable();
        } catch (LinkageError e) {
            return false;
        }
    }

    /** Netty's epoll transport: setsockopt through its raw channel options. */
    static final class Native extends DatagramTransport {
        static final int SLOT_BYTES = 256;
        static final int BATCH = 64;
        // setsockopt levels and names from <netinet/in.h>, Linux values
        private static final IntegerUnixChannelOption IP_TTL = new IntegerUnixChannelOption("BFD_IP_TTL", 0, 2);
        private static final IntegerUnixChannelOption IPV6_UNICAST_HOPS =
                new IntegerUnixChannelOption("BFD_IPV6_UNICAST_HOPS", 41, 16);

        @Override
        String name() {
            return "epoll";
        }

        @Override
        EventLoopGroup newEventLoopGroup(ThreadFactory threads) {
            return new MultiThreadIoEventLoopGroup(1, threads, EpollIoHandler.newFactory());
        }

        @Override
        ChannelFactory<Channel> channelFactory(boolean ipv6) {
            SocketProtocolFamily family = ipv6 ? SocketProtocolFamily.INET6 : SocketProtocolFamily.INET;
            return () -> new EpollDatagramChannel(family);
        }

        @Override
        boolean supportsTtl() {
            return true;
        }

        @Override
        void sendWithTtl255(Channel channel, boolean ipv6) {
            if (ipv6) {
                channel.config().setOption(IPV6_UNICAST_HOPS, 255);
            } else {
                channel.config().setOption(IP_TTL, 255);
            }
        }

        @Override
        void dropBelowTtl(Channel channel, int minTtl) {
            TtlFilter.attach(channel, minTtl);
        }

        /**
         * {@code recvmmsg}: one system call reads up to {@link #BATCH} datagrams into slots of {@link #SLOT_BYTES}.
         * A BFD packet's Length field is one byte, so cutting a longer datagram to 256 bytes changes no reception
         * check's verdict (docs/bfd.md, "CPU").
         */
        @Override
        void readInBatches(Bootstrap b, int maxMessagesPerRead) {
            b.option(EpollChannelOption.MAX_DATAGRAM_PAYLOAD_SIZE, SLOT_BYTES)
                    .option(ChannelOption.RCVBUF_ALLOCATOR,
                            new FixedRecvByteBufAllocator(SLOT_BYTES * BATCH).maxMessagesPerRead(maxMessagesPerRead));
        }

        @Override
        void reportDestinationAddress(Channel channel) {
            channel.config().setOption(EpollChannelOption.IP_RECVORIGDSTADDR, true);
        }
    }

    /** Java NIO: no TTL control at all. */
    static final class Nio extends DatagramTransport {
        @Override
        String name() {
            return "nio";
        }

        @Override
        EventLoopGroup newEventLoopGroup(ThreadFactory threads) {
            return new MultiThreadIoEventLoopGroup(1, threads, NioIoHandler.newFactory());
        }

        @Override
        ChannelFactory<Channel> channelFactory(boolean ipv6) {
            SocketProtocolFamily family = ipv6 ? SocketProtocolFamily.INET6 : SocketProtocolFamily.INET;
            return () -> new NioDatagramChannel(family);
        }

        @Override
        boolean supportsTtl() {
            return false;
        }

        @Override
        void sendWithTtl255(Channel channel, boolean ipv6) {
            throw new UnsupportedOperationException("setting the TTL needs the native epoll transport (Linux)");
        }

        @Override
        void dropBelowTtl(Channel channel, int minTtl) {
            throw new UnsupportedOperationException("the TTL check needs the native epoll transport (Linux)");
        }

        @Override
        void readInBatches(Bootstrap b, int maxMessagesPerRead) {
            b.option(ChannelOption.RCVBUF_ALLOCATOR,
                    new FixedRecvByteBufAllocator(2048).maxMessagesPerRead(maxMessagesPerRead));
        }

        @Override
        void reportDestinationAddress(Channel channel) {
            // NIO's packets carry the socket's own address as recipient; sessions then match on the peer only
        }
    }
}
