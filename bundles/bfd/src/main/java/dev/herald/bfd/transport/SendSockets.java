package dev.herald.bfd.transport;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoop;
import io.netty.util.ReferenceCountUtil;
import java.io.IOException;
import java.net.BindException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.PortUnreachableException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The send sockets of an endpoint's sessions: one per session, on a source port of its own in 49152-65535 (RFC 5881
 * §4), connected to the peer's BFD port. Connected, because the kernel then keeps the route and the IP
 * identification of the socket instead of looking both up for every packet (docs/bfd.md, "CPU").
 */
final class SendSockets {
    private static final Logger LOG = LoggerFactory.getLogger(SendSockets.class);
    /** RFC 5881 §4: the source port of every session is in this range. */
    static final int SOURCE_PORT_MIN = 49152;
    static final int SOURCE_PORT_MAX = 65535;
    private static final int SOURCE_PORT_ATTEMPTS = 64;

    private final DatagramTransport transport;
    private final EventLoop loop;
    private final boolean ttl255;
    private final long timeoutMs;

    SendSockets(DatagramTransport transport, EventLoop loop, boolean ttl255, long timeoutMs) {
        this.transport = transport;
        this.loop = loop;
        this.ttl255 = ttl255;
        this.timeoutMs = timeoutMs;
    }

    /**
     * A socket bound to {@code local} on a free source port and connected to {@code peer}; TTL / hop limit 255 if
     * the endpoint's config says so.
     *
     * @throws IOException if no source port is free after 64 random tries, or the socket cannot be set up
     */
    Channel open(InetAddress local, InetSocketAddress peer) throws IOException {
        boolean v6 = peer.getAddress() instanceof Inet6Address;
        Bootstrap b = new Bootstrap().group(loop).channelFactory(transport.channelFactory(v6))
                .handler(new SendSocketInbound(peer));
        BindException last = null;
        for (int i = 0; i < SOURCE_PORT_ATTEMPTS; i++) {
            int port = ThreadLocalRandom.current().nextInt(SOURCE_PORT_MIN, SOURCE_PORT_MAX + 1);
            Channel ch;
            try {
                ch = BfdSessions.bind(b, new InetSocketAddress(local, port), timeoutMs);
            } catch (BindException e) {
                last = e; // taken: another port
                continue;
            }
            try {
                if (ttl255) {
                    transport.sendWithTtl255(ch, v6);
                }
                connect(ch, peer);
            } catch (IOException | RuntimeException e) {
                ch.close();
                throw new IOException("cannot set up the BFD socket " + ch.localAddress() + " toward " + peer + ": "
                        + e.getMessage(), e);
            }
            return ch;
        }
        throw new IOException("no free BFD source port in " + SOURCE_PORT_MIN + "-" + SOURCE_PORT_MAX + " on " + local
                + " after " + SOURCE_PORT_ATTEMPTS + " tries", last);
    }

    private void connect(Channel ch, InetSocketAddress peer) throws IOException {
        ChannelFuture f = ch.connect(peer);
        if (!f.awaitUninterruptibly(timeoutMs, TimeUnit.MILLISECONDS)) {
            throw new IOException("connecting did not finish within " + timeoutMs + " ms");
        }
        if (!f.isSuccess()) {
            throw new IOException(String.valueOf(f.cause().getMessage()), f.cause());
        }
    }

    /**
     * A send socket reads nothing of interest: what arrives is dropped. A connected UDP socket also hears the ICMP
     * "port unreachable" of a peer without BFD running; that is the normal state of a session that is Down, so it
     * is logged at debug only (the session's state says the rest).
     */
    @ChannelHandler.Sharable
    private static final class SendSocketInbound extends ChannelInboundHandlerAdapter {
        private final InetSocketAddress peer;

        SendSocketInbound(InetSocketAddress peer) {
            this.peer = peer;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ReferenceCountUtil.release(msg);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            if (cause instanceof PortUnreachableException) {
                LOG.debug("BFD peer {} has no BFD listening (ICMP port unreachable)", peer);
            } else {
                LOG.debug("BFD send socket toward {} reports {}", peer, cause.toString());
            }
        }
    }
}
