package dev.herald.bgp.transport;

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
import io.netty.channel.unix.IntegerUnixChannelOption;
import io.netty.channel.unix.RawUnixChannelOption;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Map;
import java.util.concurrent.ThreadFactory;
import org.osgi.annotation.versioning.ProviderType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Netty's native epoll transport (Linux): TCP-MD5 through {@code TCP_MD5SIG} (and {@code TCP_MD5SIG_EXT} for a key
 * that covers every address), the TTL through setsockopt, and a send queue bounded by {@code TCP_NOTSENT_LOWAT}.
 */
@ProviderType
public final class EpollTransport implements Transport {
    private static final Logger LOG = LoggerFactory.getLogger(EpollTransport.class);
    // setsockopt levels and names from <netinet/in.h> and linux/tcp.h, Linux values
    private static final IntegerUnixChannelOption IP_TTL = new IntegerUnixChannelOption("IP_TTL", 0, 2);
    private static final IntegerUnixChannelOption IPV6_UNICAST_HOPS =
            new IntegerUnixChannelOption("IPV6_UNICAST_HOPS", 41, 16);
    static final RawUnixChannelOption TCP_MD5SIG_EXT = new RawUnixChannelOption("TCP_MD5SIG_EXT", 6, 32,
            Md5RangeKey.SIZE);

    public static boolean available() {
        return Epoll.isAvailable();
    }

    public static Throwable unavailabilityCause() {
        return Epoll.unavailabilityCause();
    }

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

    /** False when the kernel refuses range keys (TCP_MD5SIG_EXT, Linux 4.13+). */
    @Override
    public boolean setMd5KeyForAnyAddress(Channel server, InetAddress listen, byte[] key) {
        if (!(server instanceof EpollServerSocketChannel)) {
            return false;
        }
        // Netty's epoll sockets are IPv6 (dual stack) unless IPv6 is off: try that layout first, then IPv4
        for (boolean v6Socket : new boolean[] {true, false}) {
            try {
                server.config().setOption(TCP_MD5SIG_EXT, Md5RangeKey.of(v6Socket, listen, key));
                return true;
            } catch (ChannelException e) {
                LOG.debug("TCP_MD5SIG_EXT as {} socket refused: {}", v6Socket ? "IPv6" : "IPv4", e.toString());
            }
        }
        return false;
    }

    /** TCP_NOTSENT_LOWAT: the socket takes new data only while less than this is waiting to be sent. */
    @Override
    public void limitSendQueue(Channel channel) {
        channel.config().setOption(EpollChannelOption.TCP_NOTSENT_LOWAT, 16 * 1024L);
    }

    @Override
    public boolean supportsTtl() {
        return true;
    }

    @Override
    public void setTtl(Channel channel, int ttl) {
        InetSocketAddress local = (InetSocketAddress) channel.localAddress();
        boolean v6 = local != null && local.getAddress() instanceof Inet6Address;
        // an unbound socket takes both; only the one of its family matters
        if (local == null || !v6) {
            channel.config().setOption(IP_TTL, ttl);
        }
        if (local == null || v6) {
            try {
                channel.config().setOption(IPV6_UNICAST_HOPS, ttl);
            } catch (RuntimeException e) {
                if (v6) {
                    throw e;
                }
                // an IPv4 socket has no IPv6 hop limit
            }
        }
    }
}
