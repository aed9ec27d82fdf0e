package dev.herald.bgp.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.herald.bgp.message.Afi;
import dev.herald.bgp.message.BgpMessage;
import dev.herald.bgp.message.NotificationMessage;
import dev.herald.bgp.transport.Transport;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.channel.EventLoopGroup;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** A tap's handler sits between codec and state machine and sees every message both ways, over loopback TCP. */
class SessionTapTest {
    private static final BgpPeer.Listener QUIET = QuietListener.INSTANCE;

    private final EventLoopGroup group = Transport.NIO.newEventLoopGroup(1, r -> new Thread(r, "tap-test"));
    private final List<String> seen = new CopyOnWriteArrayList<>();
    private BgpPeer tapped;
    private BgpPeer other;
    private BgpListener listener;

    /** Records each message by direction and type, and passes it on. */
    final class Recorder extends ChannelDuplexHandler {
        private final String side;

        Recorder(boolean outgoing) {
            side = outgoing ? "outgoing" : "incoming";
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            seen.add(side + " in " + ((BgpMessage) msg).type());
            ctx.fireChannelRead(msg);
        }

        @Override
        public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
            seen.add(side + " out " + ((BgpMessage) msg).type());
            ctx.write(msg, promise);
        }
    }

    @AfterEach
    void tearDown() throws Exception {
        other.stop(CloseReason.local(null, "test over")).await(2, TimeUnit.SECONDS);
        listener.close();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).await(5, TimeUnit.SECONDS);
    }

    @Test
    void theTapSeesTheMessagesOfEachConnectionBothWays() throws Exception {
        InetAddress a = InetAddress.getByName("127.0.0.1");
        InetAddress b = InetAddress.getByName("127.0.0.2");
        tapped = new BgpPeer(new SessionConfig(65001, 0x0A000001L, 65002, 90, Set.of(Afi.IPV4), 120, false, false),
                new PeerEndpoint(new InetSocketAddress(b, 179), Optional.of(a), 1, Optional.empty(), true),
                group.next(), Transport.NIO, QUIET, (ch, outgoing) -> new Recorder(outgoing));
        listener = BgpListener.bind(group, Transport.NIO, new InetSocketAddress(a, 0),
                from -> from.equals(b) ? tapped : null);
        other = new BgpPeer(new SessionConfig(65002, 0x0A000002L, 65001, 90, Set.of(Afi.IPV4), 120, false, false),
                new PeerEndpoint(listener.localAddress(), Optional.of(b), 1, Optional.empty(), false),
                group.next(), Transport.NIO, QUIET);
        tapped.start();
        other.start();
        await().atMost(Duration.ofSeconds(10)).until(() -> tapped.state() == FsmState.ESTABLISHED);
        tapped.stop(CloseReason.local(new NotificationMessage(NotificationMessage.CEASE,
                NotificationMessage.ADMINISTRATIVE_SHUTDOWN), "test")).await(2, TimeUnit.SECONDS);
        await().atMost(Duration.ofSeconds(5)).until(() -> seen.contains("incoming out " + BgpMessage.NOTIFICATION));
        assertThat(seen).startsWith("incoming out " + BgpMessage.OPEN)
                .contains("incoming in " + BgpMessage.OPEN, "incoming in " + BgpMessage.KEEPALIVE,
                        "incoming out " + BgpMessage.KEEPALIVE);
    }
}
