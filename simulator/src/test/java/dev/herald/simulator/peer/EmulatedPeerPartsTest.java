package dev.herald.simulator.peer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.herald.bgp.codec.BgpMessageDecoder;
import dev.herald.bgp.codec.CodecContext;
import dev.herald.bgp.codec.MalformedMessage;
import dev.herald.bgp.message.NotificationMessage;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The emulated peer's pieces that need no socket: the malformed UPDATE, the config. */
class EmulatedPeerPartsTest {
    @Test
    void theMalformedUpdateIsOneOurOwnDecoderRejectsWithMalformedAttributeList() {
        ByteBuf b = Faults.malformedUpdate(ByteBufAllocator.DEFAULT);
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
