package dev.herald.bfd.transport;

import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.bfd.packet.BfdPacketCodec;
import dev.herald.bfd.packet.BfdState;
import dev.herald.bfd.packet.DecodeResult;
import io.netty.buffer.Unpooled;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.util.Arrays;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * A session's send socket is connected to its peer (docs/bfd.md, "CPU"). A connected UDP socket hears the peer's
 * ICMP "port unreachable" and then fails a send: none of that may stop the session from sending, or come up as a
 * warning, since a peer without BFD running is simply Down.
 */
class SendSocketsTest extends TwoEndpoints {
    private static final int PEER_PORT = 43790;

    /** The next datagram the socket gets, within 2 s. */
    private static DatagramPacket receive(DatagramSocket socket) throws Exception {
        DatagramPacket d = new DatagramPacket(new byte[512], 512);
        socket.setSoTimeout(2_000);
        socket.receive(d);
        return d;
    }

    @Test
    void packetsLeaveFromTheSessionsOwnPortAndKeepComingWhileThePeerRefusesThem() throws Exception {
        a = BfdSessions.open(BfdEndpointConfig.defaults().withListenAddresses(ip("127.0.0.2"))
                .withPorts(43789, 0).withPeerPorts(PEER_PORT, 4784));
        BfdSession s = a.add(ip("127.0.0.3"), Optional.of(ip("127.0.0.2")), FAST,
                new RecordingListener());
        InetSocketAddress peer = new InetSocketAddress(ip("127.0.0.3"), PEER_PORT);
        try (DatagramSocket socket = new DatagramSocket(peer)) {
            DatagramPacket d = receive(socket);
            assertThat(d.getSocketAddress()).isEqualTo(new InetSocketAddress(ip("127.0.0.2"), s.sourcePort()));
            DecodeResult decoded = BfdPacketCodec.decode(Unpooled.wrappedBuffer(Arrays.copyOf(d.getData(),
                    d.getLength())));
            assertThat(decoded).isInstanceOfSatisfying(DecodeResult.Accepted.class,
                    ok -> assertThat(ok.packet().state()).isEqualTo(BfdState.DOWN));
        }
        // nothing listens now: each packet brings an ICMP port unreachable, and the send after it fails
        Thread.sleep(500);
        assertThat(s.state()).isEqualTo(BfdState.DOWN);
        assertThat(((SessionHandle) s).socketClosed()).isFalse();
        try (DatagramSocket socket = new DatagramSocket(peer)) {
            for (int i = 0; i < 3; i++) {
                assertThat(receive(socket).getPort()).isEqualTo(s.sourcePort());
            }
        }
    }

    @Test
    void aSessionWhosePeerStartsLateComesUp() throws Exception {
        a = BfdSessions.open(BfdEndpointConfig.defaults().withListenAddresses(ip("127.0.0.2")));
        BfdSession sa = a.add(ip("127.0.0.3"), Optional.of(ip("127.0.0.2")), FAST,
                new RecordingListener());
        Thread.sleep(500); // refused all along
        b = BfdSessions.open(BfdEndpointConfig.defaults().withListenAddresses(ip("127.0.0.3")));
        BfdSession sb = b.add(ip("127.0.0.2"), Optional.of(ip("127.0.0.3")), FAST,
                new RecordingListener());
        Await.until(HANDSHAKE, () -> sa.state() == BfdState.UP && sb.state() == BfdState.UP,
                () -> sa + " / " + sb);
    }
}
