package dev.herald.bgp.transport;

import io.netty.channel.Channel;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ThreadFactory;
import org.osgi.annotation.versioning.ConsumerType;

/**
 * The socket layer a speaker runs on. The default is Java NIO, which has neither TCP-MD5 nor a per-socket TTL; a
 * native transport (epoll on Linux) adds both. Sessions that need a feature the transport lacks must fail with a
 * clear error, never run without it. Implemented by the speaker's users (a native transport, the simulator's peers),
 * hence {@code @ConsumerType}.
 */
@ConsumerType
public interface Transport {
    String name();

    EventLoopGroup newEventLoopGroup(int threads, ThreadFactory threads2);

    Class<? extends Channel> socketChannel();

    Class<? extends ServerChannel> serverChannel();

    /** Whether {@link #setMd5Keys} works. */
    boolean supportsMd5();

    /** Installs TCP-MD5 keys (RFC 2385) on a socket, by peer address. */
    void setMd5Keys(Channel channel, Map<InetAddress, byte[]> keys);

    /**
     * Makes a listening socket accept TCP-MD5 connections with {@code key} from every address of {@code listen}'s
     * family, as a router that accepts any remote (BIRD's {@code neighbor range}) needs. Returns false where the
     * transport or the kernel cannot.
     */
    default boolean setMd5KeyForAnyAddress(Channel server, InetAddress listen, byte[] key) {
        return false;
    }

    /** Whether {@link #setTtl} works. */
    boolean supportsTtl();

    /** Sets the IP TTL (IPv4) or hop limit (IPv6) of the socket's packets. */
    void setTtl(Channel channel, int ttl);

    /**
     * Keeps the kernel from queueing much unsent data on a session socket, so a KEEPALIVE written after a burst of
     * UPDATEs to a slow peer waits behind little more than the session's own write buffer. The default caps the
     * send buffer; a native transport can bound only the unsent part.
     */
    default void limitSendQueue(Channel channel) {
        channel.config().setOption(io.netty.channel.ChannelOption.SO_SNDBUF, 64 * 1024);
    }

    /**
     * Puts the TCP-MD5 key of {@code password} toward {@code remote}, the TTL and the send-queue limit on a socket:
     * before it connects.
     */
    default void prepareToConnect(Channel channel, InetAddress remote, Optional<String> password, int ttl) {
        password.ifPresent(p -> setMd5Keys(channel, Map.of(remote, md5Key(p))));
        prepareSession(channel, ttl);
    }

    /** Puts the TTL (where supported) and the send-queue limit on a session's socket. */
    default void prepareSession(Channel channel, int ttl) {
        if (supportsTtl()) {
            setTtl(channel, ttl);
        }
        limitSendQueue(channel);
    }

    /** The TCP-MD5 key of a password: its UTF-8 bytes, as routers take it. */
    static byte[] md5Key(String password) {
        return password.getBytes(StandardCharsets.UTF_8);
    }

    /** Java NIO: everywhere, without MD5 and TTL. */
    Transport NIO = new Transport() {
        @Override
        public String name() {
            return "nio";
        }

        @Override
        public EventLoopGroup newEventLoopGroup(int threads, ThreadFactory factory) {
            return new MultiThreadIoEventLoopGroup(threads, factory, NioIoHandler.newFactory());
        }

        @Override
        public Class<? extends Channel> socketChannel() {
            return NioSocketChannel.class;
        }

        @Override
        public Class<? extends ServerChannel> serverChannel() {
            return NioServerSocketChannel.class;
        }

        @Override
        public boolean supportsMd5() {
            return false;
        }

        @Override
        public void setMd5Keys(Channel channel, Map<InetAddress, byte[]> keys) {
            throw new UnsupportedOperationException("TCP-MD5 needs the native epoll transport (Linux)");
        }

        @Override
        public boolean supportsTtl() {
            return false;
        }

        @Override
        public void setTtl(Channel channel, int ttl) {
            throw new UnsupportedOperationException("setting the TTL needs the native epoll transport (Linux)");
        }
    };
}
