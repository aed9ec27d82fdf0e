package dev.herald.bfd.transport;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.socket.DatagramPacket;
import io.netty.channel.socket.SocketProtocolFamily;
import io.netty.channel.unix.IntegerUnixChannelOption;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;

/** Sends arbitrary datagrams from a chosen address with a chosen TTL (epoll), to play a broken or forged peer. */
final class RawSender implements AutoCloseable {
    private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, EpollIoHandler.newFactory());
    private final Channel channel;

    RawSender(InetAddress from, int ttl) throws InterruptedException {
        boolean v6 = from instanceof Inet6Address;
        channel = new Bootstrap().group(group)
                .channelFactory(() -> new EpollDatagramChannel(v6 ? SocketProtocolFamily.INET6
                        : SocketProtocolFamily.INET))
                .handler(new ChannelInboundHandlerAdapter()).bind(new InetSocketAddress(from, 0)).sync().channel();
        channel.config().setOption(v6 ? new IntegerUnixChannelOption("T_HOPS", 41, 16)
                : new IntegerUnixChannelOption("T_TTL", 0, 2), ttl);
    }

    void send(byte[] payload, InetSocketAddress to) throws InterruptedException {
        channel.writeAndFlush(new DatagramPacket(Unpooled.wrappedBuffer(payload), to)).sync();
    }

    @Override
    public void close() {
        channel.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
        group.shutdownGracefully(0, 100, TimeUnit.MILLISECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
    }
}
