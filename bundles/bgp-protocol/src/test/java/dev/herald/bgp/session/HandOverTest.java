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
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * A speaker that learns who is at the other end only from the OPEN, on connections it accepts and on connections it
 * opens (as the simulator's emulated peers do): both are held by {@link OpenHold} and handed to one passive
 * {@link BgpPeer}, which must know which of them it opened to resolve a collision by RFC 4271 §6.8. The remote is
 * played by hand over plain sockets, so the order of the two OPENs is the test's.
 */
class HandOverTest {
    private static final long LOW_ID = 0x0A000001L;
    private static final long HIGH_ID = 0x0A0000FEL;
    private static final NotificationMessage COLLISION = new NotificationMessage(NotificationMessage.CEASE,
            NotificationMessage.CONNECTION_COLLISION_RESOLUTION);

    private final EventLoopGroup group = Transport.NIO.newEventLoopGroup(1, r -> new Thread(r, "hand-over-test"));
    private final List<AutoCloseable> cleanup = new ArrayList<>();
    private final AtomicReference<BgpConnection> established = new AtomicReference<>();
    private BgpPeer peer;
    private InetSocketAddress listening;
    private ServerSocket remote;

    @BeforeEach
    void setUp() throws Exception {
        remote = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"));
        cleanup.add(remote);
    }

    @AfterEach
    void tearDown() throws Exception {
        if (peer != null) {
            peer.stop(CloseReason.local(null, "test over")).await(2, TimeUnit.SECONDS);
        }
        for (int i = cleanup.size() - 1; i >= 0; i--) {
            cleanup.get(i).close();
        }
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).await(5, TimeUnit.SECONDS);
    }

    /** Our speaker: a passive peer, and a listener that hands every connection to it at the remote's OPEN. */
    private void startSpeaker(long localId) throws Exception {
        peer = new BgpPeer(new SessionConfig(65001, localId, 65002, 90, Set.of(Afi.IPV4), 120, false,
                false), new PeerEndpoint(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 179),
                Optional.empty(), 1, Optional.empty(), true), group.next(), Transport.NIO, new QuietListener() {
                    @Override
                    public void established(BgpPeer p, BgpConnection connection) {
                        established.set(connection);
                    }
                });
        peer.start();
        BgpListener listener = BgpListener.bind(group, Transport.NIO,
                new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0), (from, open) -> OpenDecision.accept(peer));
        listening = listener.localAddress();
        cleanup.add(listener);
    }

    /** Our speaker connects to the remote, holding the connection until the remote's OPEN, then hands it over. */
    private Socket dialRemote() throws Exception {
        Channel ch = new Bootstrap().group(group).channel(Transport.NIO.socketChannel())
                .handler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel c) {
                        c.pipeline().addLast(new OpenHold((ctx, hold, first) -> hold.handTo(ctx, peer, true)));
                    }
                }).connect(remote.getLocalSocketAddress()).sync().channel();
        cleanup.add(() -> ch.close().await(2, TimeUnit.SECONDS));
        return accepted(remote.accept());
    }

    private Socket accepted(Socket s) throws Exception {
        s.setSoTimeout(5_000);
        cleanup.add(s);
        return s;
    }

    private Socket connectToSpeaker() throws Exception {
        Socket s = new Socket();
        s.connect(listening, 5000);
        return accepted(s);
    }

    private static OpenMessage remoteOpen(long remoteId) {
        return OpenMessage.of(65002, 90, remoteId, List.of(Capability.Multiprotocol.unicast(Afi.IPV4)));
    }

    /** Sends the remote's OPEN and reads our OPEN and the KEEPALIVE that confirms it. */
    private static void openOn(Socket s, long remoteId) throws Exception {
        s.getOutputStream().write(wire(remoteOpen(remoteId)));
        assertThat(read(s)).isInstanceOf(OpenMessage.class);
        assertThat(read(s)).isInstanceOf(KeepaliveMessage.class);
    }

    /** What arrives on {@code s} up to its first NOTIFICATION. */
    private static List<Object> untilNotification(Socket s) throws Exception {
        List<Object> got = new ArrayList<>();
        Object m;
        do {
            m = read(s);
            got.add(m);
        } while (!(m instanceof NotificationMessage) && got.size() < 5);
        return got;
    }

    /** What arrives on {@code s} until it closes or stays quiet for a while. */
    private static List<Object> drain(Socket s, int quietMillis) throws Exception {
        s.setSoTimeout(quietMillis);
        List<Object> got = new ArrayList<>();
        try {
            while (got.size() < 10) {
                got.add(read(s));
            }
        } catch (IOException e) {
            // quiet (a timeout), or closed
        }
        return got;
    }

    @ParameterizedTest(name = "local identifier higher: {0}, our own connection's OPEN first: {1}")
    @CsvSource({"true, true", "true, false", "false, true", "false, false"})
    void theSpeakerWithTheHigherIdentifierKeepsTheConnectionItOpened(boolean localHigher, boolean outgoingFirst)
            throws Exception {
        startSpeaker(localHigher ? HIGH_ID : LOW_ID);
        long remoteId = localHigher ? LOW_ID : HIGH_ID;
        Socket ours = dialRemote();
        Socket theirs = connectToSpeaker();
        openOn(outgoingFirst ? ours : theirs, remoteId);
        Socket second = outgoingFirst ? theirs : ours;
        second.getOutputStream().write(wire(remoteOpen(remoteId)));

        Socket survivor = localHigher ? ours : theirs;
        Socket loser = localHigher ? theirs : ours;
        // the loser's end: our OPEN and KEEPALIVE if it had none yet, then a Cease (connection collision resolution)
        assertThat(untilNotification(loser)).last().isEqualTo(COLLISION);
        if (survivor == second) {
            assertThat(read(survivor)).isInstanceOf(OpenMessage.class);
            assertThat(read(survivor)).isInstanceOf(KeepaliveMessage.class);
        }
        survivor.getOutputStream().write(wire(KeepaliveMessage.INSTANCE));
        await().atMost(Duration.ofSeconds(5)).until(() -> peer.state() == FsmState.ESTABLISHED);
        assertThat(established.get().outgoing()).as("the Established connection is the one we opened")
                .isEqualTo(localHigher);
        assertThat(drain(survivor, 300)).noneMatch(m -> m instanceof NotificationMessage);
    }

    @ParameterizedTest(name = "handed over as outgoing: {0}")
    @CsvSource({"true", "false"})
    void aHandedOverConnectionKeepsItsDirectionAndReadsWhatCameWithTheOpen(boolean outgoing) throws Exception {
        startSpeaker(LOW_ID);
        Socket s = outgoing ? dialRemote() : connectToSpeaker();
        // OPEN and KEEPALIVE in one write: the held KEEPALIVE reaches the session, which becomes Established
        s.getOutputStream().write(wire(remoteOpen(HIGH_ID), KeepaliveMessage.INSTANCE));
        assertThat(read(s)).isInstanceOf(OpenMessage.class);
        await().atMost(Duration.ofSeconds(5)).until(() -> peer.state() == FsmState.ESTABLISHED);
        assertThat(established.get().outgoing()).isEqualTo(outgoing);
    }
}
