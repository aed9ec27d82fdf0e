package dev.herald.bgp.session;

import dev.herald.bgp.transport.Transport;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Map;
import java.util.function.Function;
import org.osgi.annotation.versioning.ProviderType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The listening socket of a speaker. An accepted connection goes to the peer configured for its source address, and
 * connections from anyone else are closed at once (RFC 4271 §8: only configured peers); or, bound with an
 * {@link OpenResolver}, to the peer it picks once the remote's OPEN has arrived. Give it the single-thread
 * event loop group its peers run on: a connection's handlers and its peer must share one thread.
 */
@ProviderType
public final class BgpListener implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(BgpListener.class);
    private final Channel server;
    private final Transport transport;

    private BgpListener(Channel server, Transport transport) {
        this.server = server;
        this.transport = transport;
    }

    /**
     * Binds {@code address} and starts accepting; a connection goes to its peer by source address at once.
     *
     * @param peers finds the peer for a source address, or null
     */
    public static BgpListener bind(EventLoopGroup group, Transport transport, InetSocketAddress address,
                                   Function<InetAddress, BgpPeer> peers) throws InterruptedException {
        return bind(group, transport, address, new ChannelInitializer<Channel>() {
            @Override
            protected void initChannel(Channel ch) {
                // nothing may be read before the peer's session handlers are in place
                ch.config().setAutoRead(false);
                InetAddress from = ((InetSocketAddress) ch.remoteAddress()).getAddress();
                BgpPeer peer = peers.apply(from);
                if (peer == null) {
                    LOG.warn("Refused a BGP connection from {}: not a configured peer", from.getHostAddress());
                    ch.close();
                    return;
                }
                transport.prepareSession(ch, peer.endpoint().ttl());
                peer.incoming(ch);
            }
        });
    }

    /**
     * Binds {@code address} and starts accepting; a connection is held until the remote's OPEN is whole, and then
     * goes to the peer {@code resolver} picks for it (dynamic neighbours: the peer may be made for that OPEN), or is
     * refused with the NOTIFICATION it gives. The peers must run on {@code group}'s single thread too.
     */
    public static BgpListener bind(EventLoopGroup group, Transport transport, InetSocketAddress address,
                                   OpenResolver resolver) throws InterruptedException {
        OpenResolution resolution = new OpenResolution(resolver, transport);
        return bind(group, transport, address, new ChannelInitializer<Channel>() {
            @Override
            protected void initChannel(Channel ch) {
                resolution.accepted(ch);
            }
        });
    }

    private static BgpListener bind(EventLoopGroup group, Transport transport, InetSocketAddress address,
                                    ChannelInitializer<Channel> accepted) throws InterruptedException {
        ServerBootstrap b = new ServerBootstrap().group(group).channel(transport.serverChannel())
                .option(ChannelOption.SO_REUSEADDR, true)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(accepted);
        Channel ch = b.bind(address).sync().channel();
        return new BgpListener(ch, transport);
    }

    public InetSocketAddress localAddress() {
        return (InetSocketAddress) server.localAddress();
    }

    /** Sets the TCP-MD5 keys the listening socket accepts, by peer address (all of them, replacing the old). */
    public void setMd5Keys(Map<InetAddress, byte[]> keys) {
        if (!keys.isEmpty() || transport.supportsMd5()) {
            transport.setMd5Keys(server, keys);
        }
    }

    @Override
    public void close() {
        server.close().syncUninterruptibly();
    }
}
