package dev.herald.simulator.peer;

import dev.herald.bgp.session.Transport;
import io.netty.channel.Channel;
import io.netty.channel.ChannelException;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollChannelOption;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.unix.RawUnixChannelOption;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Map;
import java.util.concurrent.ThreadFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The socket layer of emulated peers: epoll where Linux offers it (TCP-MD5), else Java NIO. Beside per-address keys,
 * epoll can install one TCP-MD5 key for a whole address range on a listening socket, so a peer that accepts any
 * remote (like BIRD's {@code neighbor range}) can still require a password.
 */
final class PeerTransport {
    private static final Logger LOG = LoggerFactory.getLogger(PeerTransport.class);

    private PeerTransport() {
    }

    /**
     * {@value #TRANSPORT_PROPERTY}{@code =nio} makes new emulated peers use Java NIO. Set where agents run in OSGi
     * frameworks in this JVM: when the class loader of a bundle's copy of netty's epoll library is unloaded (a
     * backend bundle updated), netty unregisters the natives of the class path's copy too, and epoll peers die.
     */
    static final String TRANSPORT_PROPERTY = "herald.sim.transport";

    static Transport best() {
        if ("nio".equals(System.getProperty(TRANSPORT_PROPERTY))) {
            return Transport.NIO;
        }
        try {
            if (Epoll.isAvailable()) {
                return new EpollPeerTransport();
            }
            LOG.warn("Native epoll transport unavailable ({}); emulated peers use Java NIO and cannot have a TCP-MD5 "
                    + "password", Epoll.unavailabilityCause().toString());
        } catch (LinkageError e) {
            LOG.warn("Native epoll transport not on the class path ({}); emulated peers use Java NIO and cannot have "
                    + "a TCP-MD5 password", e.toString());
        }
        return Transport.NIO;
    }

    /**
     * Makes {@code server} accept TCP-MD5 connections with {@code key} from every address of its family. Returns
     * false when the kernel refuses range keys (TCP_MD5SIG_EXT, Linux 4.13+) or the transport is not epoll.
     */
    static boolean acceptMd5FromAnyAddress(Channel server, InetAddress listen, byte[] key) {
        if (!(server instanceof EpollServerSocketChannel)) {
            return false;
        }
        // Netty's epoll sockets are IPv6 (dual stack) unless IPv6 is off: try that layout first, then IPv4
        for (boolean v6Socket : new boolean[] {true, false}) {
            try {
                server.config().setOption(EpollPeerTransport.TCP_MD5SIG_EXT, rangeKey(v6Socket, listen, key));
                return true;
            } catch (ChannelException e) {
                LOG.debug("TCP_MD5SIG_EXT as {} socket refused: {}", v6Socket ? "IPv6" : "IPv4", e.toString());
            }
        }
        return false;
    }

    /**
     * {@code struct tcp_md5sig} of linux/tcp.h for the prefix ::/0 or 0.0.0.0/0 (the listen address's family): a
     * sockaddr_storage (128 bytes), flags, prefix length, key length, ifindex, 80 key bytes.
     */
    static ByteBuffer rangeKey(boolean v6Socket, InetAddress listen, byte[] key) {
        if (key.length > 80) {
            throw new IllegalArgumentException("a TCP-MD5 key is at most 80 bytes");
        }
        ByteBuffer b = ByteBuffer.allocateDirect(216).order(ByteOrder.nativeOrder());
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
        b.position(0).limit(216);
        return b;
    }

    /** Netty's native epoll transport; like the native backend's, without the TTL that peers here never need. */
    static final class EpollPeerTransport implements Transport {
        /** setsockopt(IPPROTO_TCP, TCP_MD5SIG_EXT): Linux values. */
        static final RawUnixChannelOption TCP_MD5SIG_EXT = new RawUnixChannelOption("TCP_MD5SIG_EXT", 6, 32, 216);

        @Override
        public String name() {
            return "epoll";
        }

        @Override
        public EventLoopGroup newEventLoopGroup(int threads, ThreadFactory factory) {
            return new MultiThreadIoEventLoopGroup(threads, factory, EpollIoHandler.newFactory());
        }

        @Override
        public Class<? extends Channel> socketChannel() {
            return EpollSocketChannel.class;
        }

        @Override
        public Class<? extends ServerChannel> serverChannel() {
            return EpollServerSocketChannel.class;
        }

        @Override
        public boolean supportsMd5() {
            return true;
        }

        @Override
        public void setMd5Keys(Channel channel, Map<InetAddress, byte[]> keys) {
            channel.config().setOption(EpollChannelOption.TCP_MD5SIG, keys);
        }

        @Override
        public boolean supportsTtl() {
            return false;
        }

        @Override
        public void setTtl(Channel channel, int ttl) {
            throw new UnsupportedOperationException("emulated peers do not set a TTL");
        }
    }
}
