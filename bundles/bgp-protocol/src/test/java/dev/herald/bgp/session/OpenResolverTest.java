package dev.herald.bgp.session;

import static dev.herald.bgp.session.RawWire.read;
import static dev.herald.bgp.session.RawWire.wire;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.herald.bgp.message.Afi;
import dev.herald.bgp.message.Capability;
import dev.herald.bgp.message.KeepaliveMessage;
import dev.herald.bgp.message.NotificationMessage;
import dev.herald.bgp.message.OpenMessage;
import dev.herald.bgp.transport.Transport;
import io.netty.channel.EventLoopGroup;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** A listener that picks its peer at the remote's OPEN (dynamic neighbours), over loopback TCP. */
class OpenResolverTest {
    private static final BgpPeer.Listener QUIET = QuietListener.INSTANCE;

    private final EventLoopGroup group = Transport.NIO.newEventLoopGroup(1, r -> new Thread(r, "resolver-test"));
    private final List<BgpPeer> peers = new CopyOnWriteArrayList<>();
    private final List<String> asked = new CopyOnWriteArrayList<>();
    private final List<AutoCloseable> cleanup = new ArrayList<>();
    private InetSocketAddress listening;

    @BeforeEach
    void listen() throws Exception {
        InetAddress dynamic = InetAddress.getByName("127.0.0.2");
        // a dynamic neighbour: any AS from 127.0.0.2, a passive peer made for it; AS 64999 is refused
        OpenResolver resolver = (remote, open) -> {
            asked.add(remote.getAddress().getHostAddress() + " AS " + open.asn());
            if (open.asn() == 64999) {
                return OpenDecision.refuse(new NotificationMessage(NotificationMessage.OPEN_MESSAGE_ERROR,
                        NotificationMessage.BAD_PEER_AS));
            }
            if (!remote.getAddress().equals(dynamic)) {
                return OpenDecision.reject();
            }
            BgpPeer peer = new BgpPeer(config(65001, 0x0A000001L, open.asn()),
                    new PeerEndpoint(remote, Optional.empty(), 1, Optional.empty(), true), group.next(),
                    Transport.NIO, QUIET);
            peer.start();
            peers.add(peer);
            return OpenDecision.accept(peer);
        };
        BgpListener listener = BgpListener.bind(group, Transport.NIO,
                new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0), resolver);
        listening = listener.localAddress();
        cleanup.add(listener);
    }

    @AfterEach
    void tearDown() throws Exception {
        for (BgpPeer p : peers) {
            p.stop(CloseReason.local(null, "test over")).await(2, TimeUnit.SECONDS);
        }
        for (int i = cleanup.size() - 1; i >= 0; i--) {
            cleanup.get(i).close();
        }
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).await(5, TimeUnit.SECONDS);
    }

    static SessionConfig config(long as, long id, long peerAs) {
        return new SessionConfig(as, id, peerAs, 90, Set.of(Afi.IPV4), 120, false, false);
    }

    private Socket connectFrom(String local) throws Exception {
        Socket s = new Socket();
        s.bind(new InetSocketAddress(InetAddress.getByName(local), 0));
        s.connect(listening, 5000);
        s.setSoTimeout(10_000);
        cleanup.add(s);
        return s;
    }

    private static OpenMessage open(long asn) {
        return OpenMessage.of(asn, 90, 0x0A000002L, List.of(Capability.Multiprotocol.unicast(Afi.IPV4)));
    }

    @Test
    void aPeerMadeForTheOpenTakesTheConnectionAndWhatFollowedTheOpen() throws Exception {
        Socket s = connectFrom("127.0.0.2");
        // the KEEPALIVE comes in the same segment as the OPEN: the held bytes reach the session too
        OutputStream out = s.getOutputStream();
        out.write(wire(open(65077), KeepaliveMessage.INSTANCE));
        out.flush();
        assertThat(read(s)).isInstanceOfSatisfying(OpenMessage.class, o -> assertThat(o.asn()).isEqualTo(65001));
        assertThat(read(s)).isInstanceOf(KeepaliveMessage.class);
        await().atMost(Duration.ofSeconds(10)).until(() -> !peers.isEmpty()
                && peers.get(0).state() == FsmState.ESTABLISHED);
        assertThat(asked).containsExactly("127.0.0.2 AS 65077");
        assertThat(peers.get(0).config().peerAsn()).isEqualTo(65077);
    }

    @Test
    void twoKitSpeakersMeetThroughTheResolver() throws Exception {
        BgpPeer active = new BgpPeer(config(65002, 0x0A000002L, 65001),
                new PeerEndpoint(listening, Optional.of(InetAddress.getByName("127.0.0.2")), 1, Optional.empty(),
                        false), group.next(), Transport.NIO, QUIET);
        peers.add(active);
        active.start();
        await().atMost(Duration.ofSeconds(10)).until(() -> active.state() == FsmState.ESTABLISHED
                && peers.size() == 2 && peers.get(1).state() == FsmState.ESTABLISHED);
        assertThat(asked).containsExactly("127.0.0.2 AS 65002");
    }

    @Test
    void aRefusalSendsTheResolversNotification() throws Exception {
        Socket s = connectFrom("127.0.0.2");
        s.getOutputStream().write(wire(open(64999)));
        assertThat(read(s)).isEqualTo(new NotificationMessage(NotificationMessage.OPEN_MESSAGE_ERROR,
                NotificationMessage.BAD_PEER_AS));
        assertThat(s.getInputStream().read()).as("closed").isEqualTo(-1);
        assertThat(peers).isEmpty();
    }

    @Test
    void anUnknownRemoteIsRejectedWithCease() throws Exception {
        Socket s = connectFrom("127.0.0.3");
        s.getOutputStream().write(wire(open(65077)));
        assertThat(read(s)).isEqualTo(new NotificationMessage(NotificationMessage.CEASE,
                NotificationMessage.CONNECTION_REJECTED));
        assertThat(peers).isEmpty();
    }

    @Test
    void aFirstMessageThatIsNoOpenIsAnFsmError() throws Exception {
        Socket s = connectFrom("127.0.0.2");
        s.getOutputStream().write(wire(KeepaliveMessage.INSTANCE));
        assertThat(read(s)).isEqualTo(new NotificationMessage(NotificationMessage.FSM_ERROR, 1));
        assertThat(s.getInputStream().read()).as("closed").isEqualTo(-1);
        assertThat(asked).isEmpty();
    }

    @Test
    void aBrokenHeaderIsAnsweredWithItsError() throws Exception {
        Socket s = connectFrom("127.0.0.2");
        byte[] bad = wire(KeepaliveMessage.INSTANCE);
        bad[0] = 0;
        s.getOutputStream().write(bad);
        assertThat(read(s)).isEqualTo(new NotificationMessage(NotificationMessage.MESSAGE_HEADER_ERROR,
                NotificationMessage.CONNECTION_NOT_SYNCHRONIZED));
        assertThat(asked).isEmpty();
    }
}
