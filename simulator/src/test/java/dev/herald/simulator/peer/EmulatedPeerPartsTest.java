package dev.herald.simulator.peer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.herald.bgp.codec.BgpMessageDecoder;
import dev.herald.bgp.codec.CodecContext;
import dev.herald.bgp.codec.MalformedMessage;
import dev.herald.bgp.message.NotificationMessage;
import dev.herald.bgp.message.PathAttribute;
import dev.herald.bgp.message.PathAttribute.Segment;
import dev.herald.bgp.message.UpdateMessage;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The emulated peer's pieces that need no socket: UPDATE reading, the malformed UPDATE, the config. */
class EmulatedPeerPartsTest {
    @Test
    void theAsPathMergesAs4PathFromATwoOctetSession() {
        UpdateMessage u = new UpdateMessage(List.of(), List.of(
                new PathAttribute.AsPath(List.of(Segment.sequence(65010L, 23456L, 23456L))),
                new PathAttribute.As4Path(List.of(Segment.sequence(4_200_000_001L, 4_200_000_002L)))), List.of());
        assertThat(EmulatedPeer.asPath(u)).containsExactly(65010L, 4_200_000_001L, 4_200_000_002L);
        // an AS4_PATH longer than AS_PATH is ignored (RFC 6793 §4.2.3)
        UpdateMessage odd = new UpdateMessage(List.of(), List.of(
                new PathAttribute.AsPath(List.of(Segment.sequence(65010L))),
                new PathAttribute.As4Path(List.of(Segment.sequence(1L, 2L)))), List.of());
        assertThat(EmulatedPeer.asPath(odd)).containsExactly(65010L);
        assertThat(EmulatedPeer.asPath(new UpdateMessage(List.of(), List.of(), List.of()))).isEmpty();
    }

    @Test
    void anIpv6NextHopWithALinkLocalGivesTheGlobalOne() throws Exception {
        byte[] both = new byte[32];
        System.arraycopy(InetAddress.getByName("fd00::1").getAddress(), 0, both, 0, 16);
        System.arraycopy(InetAddress.getByName("fe80::1").getAddress(), 0, both, 16, 16);
        assertThat(EmulatedPeer.nextHopAddress(both)).isEqualTo(InetAddress.getByName("fd00::1"));
        assertThat(EmulatedPeer.ipv4(0x7F00_0001L)).isEqualTo(InetAddress.getByName("127.0.0.1"));
        assertThat(EmulatedPeer.nextHopAddress(new byte[5])).isNull();
    }

    @Test
    void theMalformedUpdateIsOneOurOwnDecoderRejectsWithMalformedAttributeList() {
        ByteBuf b = EmulatedPeer.malformedUpdate(ByteBufAllocator.DEFAULT);
        try {
            assertThat(b.getUnsignedShort(16)).isEqualTo(b.readableBytes());
            Object m = new BgpMessageDecoder(new CodecContext()).decodeOne(b);
            assertThat(m).isInstanceOfSatisfying(MalformedMessage.class, mm -> assertThat(mm.notification())
                    .isEqualTo(new NotificationMessage(3, NotificationMessage.MALFORMED_ATTRIBUTE_LIST)));
        } finally {
            b.release();
        }
    }

    @Test
    void aConfigIsCheckedWhenMade() throws Exception {
        InetAddress lo = InetAddress.getByName("127.0.0.1");
        EmulatedPeerConfig c = EmulatedPeerConfig.of("r1", lo, 0, 65000, "10.0.0.1");
        assertThat(c.routerId()).isEqualTo(0x0A00_0001L);
        assertThat(c.gracefulRestart()).isTrue();
        assertThat(c.withPassword("").md5Password()).isEmpty();
        assertThat(c.connectingTo(List.of(new InetSocketAddress(lo, 179))).active()).isTrue();
        assertThatThrownBy(() -> c.withHoldTime(2)).hasMessageContaining("hold time");
        assertThatThrownBy(() -> EmulatedPeerConfig.of("r1", lo, 0, 65000, "10.0.0.256"))
                .hasMessageContaining("router ID");
        assertThatThrownBy(() -> new EmulatedPeerConfig("r1", lo, 0, 65000, 1, Optional.empty(), true, 120, 90,
                true, List.of())).hasMessageContaining("no address to connect to");
        assertThatThrownBy(() -> c.withGracefulRestart(true, 5000)).hasMessageContaining("restart time");
    }
}
