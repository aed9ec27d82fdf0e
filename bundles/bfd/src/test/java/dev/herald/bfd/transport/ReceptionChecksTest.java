package dev.herald.bfd.transport;

import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.bfd.packet.BfdControlPacket;
import dev.herald.bfd.packet.BfdPacketCodec;
import dev.herald.bfd.packet.BfdState;
import dev.herald.bfd.packet.Diagnostic;
import dev.herald.bfd.packet.DiscardReason;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The reception checks over real sockets: while a session between two endpoints is Up, a forger on the peer's
 * address sends every kind of bad packet to one endpoint; each is discarded for its reason and the session stays Up.
 * And the TTL check: a packet that left with TTL 64 never arrives.
 */
class ReceptionChecksTest extends TwoEndpoints {
    private BfdSession sa;
    private RawSender forger;
    private InetSocketAddress target;

    @BeforeEach
    void upSession() throws Exception {
        InetAddress addrA = InetAddress.getByName("127.0.0.2");
        InetAddress addrB = InetAddress.getByName("127.0.0.3");
        a = BfdSessions.open(BfdEndpointConfig.defaults().withListenAddresses(addrA));
        b = BfdSessions.open(BfdEndpointConfig.defaults().withListenAddresses(addrB));
        sa = a.add(addrB, Optional.of(addrA), FAST, new RecordingListener());
        BfdSession sb = b.add(addrA, Optional.of(addrB), FAST, new RecordingListener());
        Await.until(HANDSHAKE, () -> sa.state() == BfdState.UP && sb.state() == BfdState.UP,
                () -> sa + " / " + sb);
        forger = new RawSender(addrB, 255);
        target = new InetSocketAddress(addrA, BfdEndpointConfig.SINGLE_HOP_PORT);
    }

    @AfterEach
    void closeForger() {
        if (forger != null) {
            forger.close();
        }
    }

    /** An Up packet addressed to sa, as b would send it, broken by {@code breakIt}. */
    private byte[] forged(Consumer<ByteBuf> breakIt) {
        ByteBuf buf = Unpooled.buffer();
        BfdPacketCodec.encode(BfdControlPacket.of(Diagnostic.NONE, BfdState.UP, false, false, 3, 0x1234,
                sa.localDiscriminator(), 50_000, 50_000), buf);
        breakIt.accept(buf);
        return ByteBufUtil.getBytes(buf);
    }

    private void assertDiscarded(DiscardReason reason, Consumer<ByteBuf> breakIt) throws Exception {
        long before = a.discards().get(reason);
        for (int i = 0; i < 5; i++) {
            forger.send(forged(breakIt), target);
        }
        Await.until(Duration.ofSeconds(2), () -> a.discards().get(reason) == before + 5,
                () -> reason + ": " + a.discards());
    }

    @Test
    void everyMalformedPacketIsDiscardedForItsReasonAndTheSessionStaysUp() throws Exception {
        assertDiscarded(DiscardReason.BAD_VERSION, b -> b.setByte(0, (2 << 5)));
        assertDiscarded(DiscardReason.LENGTH_TOO_SHORT, b -> b.setByte(3, 20));
        assertDiscarded(DiscardReason.LENGTH_EXCEEDS_PAYLOAD, b -> b.setByte(3, 48));
        assertDiscarded(DiscardReason.ZERO_DETECT_MULT, b -> b.setByte(2, 0));
        assertDiscarded(DiscardReason.MULTIPOINT, b -> b.setByte(1, b.getByte(1) | 0x01));
        assertDiscarded(DiscardReason.ZERO_MY_DISCRIMINATOR, b -> b.setInt(4, 0));
        assertDiscarded(DiscardReason.ZERO_YOUR_DISCRIMINATOR_NOT_DOWN, b -> b.setInt(8, 0));
        assertDiscarded(DiscardReason.UNKNOWN_YOUR_DISCRIMINATOR,
                b -> b.setInt(8, (int) (sa.localDiscriminator() ^ 0x5a5a5a5aL)));
        assertDiscarded(DiscardReason.AUTHENTICATION_NOT_SUPPORTED, b -> {
            b.setByte(1, b.getByte(1) | 0x04);
            b.writeBytes(new byte[] {1, 5, 1, 'x'});
            b.setByte(3, 28);
        });
        // from an address that is not the session's peer: selected by discriminator, refused by address
        try (RawSender stranger = new RawSender(InetAddress.getByName("127.0.0.4"), 255)) {
            long before = a.discards().get(DiscardReason.SESSION_MISMATCH);
            stranger.send(forged(b -> { }), target);
            Await.until(Duration.ofSeconds(2), () -> a.discards().get(DiscardReason.SESSION_MISMATCH) == before + 1,
                    () -> a.discards().toString());
            long none = a.discards().get(DiscardReason.NO_SESSION_FOR_ADDRESSES);
            stranger.send(forged(b -> {
                b.setInt(8, 0);
                b.setByte(1, BfdState.DOWN.code() << 6);
            }), target);
            Await.until(Duration.ofSeconds(2),
                    () -> a.discards().get(DiscardReason.NO_SESSION_FOR_ADDRESSES) == none + 1,
                    () -> a.discards().toString());
        }
        Thread.sleep(200);
        assertThat(sa.state()).isEqualTo(BfdState.UP);
        assertThat(sa.diagnostic()).isEqualTo(Diagnostic.NONE);
    }

    @Test
    void aPacketInALongerDatagramIsReadAsItsLengthFieldSays() throws Exception {
        // the epoll transport reads datagrams into 256-byte slots (docs/bfd.md, "CPU"): a 1,000-byte one still counts
        byte[] adminDown = forged(b -> b.setByte(1, BfdState.ADMIN_DOWN.code() << 6));
        Map<DiscardReason, Long> before = a.discards();
        forger.send(Arrays.copyOf(adminDown, 1_000), target);
        Await.until(Duration.ofSeconds(2), () -> sa.state() == BfdState.DOWN, sa::toString);
        assertThat(sa.diagnostic()).isEqualTo(Diagnostic.NEIGHBOR_SIGNALED_SESSION_DOWN);
        assertThat(a.discards()).isEqualTo(before);
    }

    @Test
    void aPacketWithTtlBelow255NeverReachesTheSession() throws Exception {
        // a valid AdminDown from the peer's address would take the session down, if it arrived
        byte[] adminDown = forged(b -> b.setByte(1, BfdState.ADMIN_DOWN.code() << 6));
        Map<DiscardReason, Long> before = a.discards();
        try (RawSender far = new RawSender(InetAddress.getByName("127.0.0.3"), 254)) {
            for (int i = 0; i < 5; i++) {
                far.send(adminDown, target);
            }
        }
        Thread.sleep(300);
        assertThat(sa.state()).isEqualTo(BfdState.UP);
        assertThat(a.discards()).isEqualTo(before);
        // the same packet with TTL 255 does arrive: the filter was what stopped it
        forger.send(adminDown, target);
        Await.until(Duration.ofSeconds(2), () -> sa.state() == BfdState.DOWN, sa::toString);
        assertThat(sa.diagnostic()).isEqualTo(Diagnostic.NEIGHBOR_SIGNALED_SESSION_DOWN);
    }
}
