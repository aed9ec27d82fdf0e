package dev.herald.bgp.session;

import dev.herald.bgp.transport.Transport;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import java.net.InetSocketAddress;

/** The socket a {@link BgpPeer} connects out with: registered, keyed (TCP-MD5), TTL set, handlers added later. */
final class OutgoingSocket {
    private OutgoingSocket() {
    }

    /** A registered socket ready to connect to {@code endpoint}; throws when the kernel refuses one of its options. */
    static Channel open(EventLoop loop, Transport transport, PeerEndpoint endpoint) throws Exception {
        Bootstrap b = new Bootstrap().group(loop).channel(transport.socketChannel())
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 5000)
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.WRITE_BUFFER_WATER_MARK, SessionPipeline.WATER_MARK)
                .handler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        // the pipeline is completed once connected (BgpPeer's attach)
                    }
                });
        ChannelFuture reg = b.register();
        Channel ch = reg.channel();
        try {
            if (reg.cause() != null) {
                throw new Exception(reg.cause().getMessage(), reg.cause());
            }
            transport.prepareToConnect(ch, endpoint.remote().getAddress(), endpoint.password(), endpoint.ttl());
        } catch (Exception | Error e) {
            ch.close();
            throw e;
        }
        return ch;
    }

    /** Connects {@code ch} from the endpoint's local address, when it has one. */
    static ChannelFuture connect(Channel ch, PeerEndpoint endpoint) {
        return endpoint.localAddress()
                .map(local -> ch.connect(endpoint.remote(), new InetSocketAddress(local, 0)))
                .orElseGet(() -> ch.connect(endpoint.remote()));
    }
}
