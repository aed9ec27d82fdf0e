package dev.herald.bgp.codec;

import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.bgp.message.Afi;
import dev.herald.bgp.message.BgpMessage;
import dev.herald.bgp.message.Capability;
import dev.herald.bgp.message.KeepaliveMessage;
import dev.herald.bgp.message.NotificationMessage;
import dev.herald.bgp.message.OpenMessage;
import dev.herald.bgp.message.PathAttribute;
import dev.herald.bgp.message.Prefix;
import dev.herald.bgp.message.RouteRefreshMessage;
import dev.herald.bgp.message.UpdateMessage;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** How the decoder frames messages that arrive split or batched in the channel's buffers. */
class FramingTest {
    private static final UpdateMessage UPDATE = new UpdateMessage(List.of(Prefix.ipv4(0x0A09_0000, 16)),
            List.of(PathAttribute.Origin.IGP,
                    new PathAttribute.AsPath(List.of(PathAttribute.Segment.sequence(65001L))),
                    new PathAttribute.NextHop(0xC000_0201L)),
            List.of(Prefix.ipv4(0x0A01_0000, 16)));
    private static final OpenMessage OPEN = OpenMessage.of(65001, 90, 0x0A00_0001L,
            List.of(Capability.Multiprotocol.unicast(Afi.IPV4)));

    private static byte[] encode(BgpMessage message) {
        return Wire.encode(new CodecContext(), message);
    }

    @Test
    void openArrivingOneByteAtATimeIsDecodedOnceComplete() {
        byte[] bytes = encode(OPEN);
        EmbeddedChannel ch = Wire.channel(new CodecContext());
        try {
            for (int i = 0; i < bytes.length - 1; i++) {
                ch.writeInbound(Unpooled.wrappedBuffer(new byte[] {bytes[i]}));
                assertThat((Object) ch.readInbound()).as("after %d of %d bytes", i + 1, bytes.length).isNull();
            }
            ch.writeInbound(Unpooled.wrappedBuffer(new byte[] {bytes[bytes.length - 1]}));
            assertThat((Object) ch.readInbound()).isEqualTo(OPEN);
            assertThat((Object) ch.readInbound()).isNull();
        } finally {
            ch.finishAndReleaseAll();
        }
    }

    @Test
    void severalMessagesOneByteAtATimeComeOutInOrder() {
        byte[] bytes = Wire.concat(encode(UPDATE), encode(KeepaliveMessage.INSTANCE),
                encode(new RouteRefreshMessage(1, 1)));
        byte[][] chunks = new byte[bytes.length][];
        for (int i = 0; i < bytes.length; i++) {
            chunks[i] = new byte[] {bytes[i]};
        }

        assertThat(Wire.decodeAll(new CodecContext(), chunks))
                .containsExactly(UPDATE, KeepaliveMessage.INSTANCE, new RouteRefreshMessage(1, 1));
    }

    @Test
    void severalMessagesInOneBufferAreAllDecoded() {
        NotificationMessage cease = new NotificationMessage(6, 2, new byte[] {1, 2, 3});
        byte[] bytes = Wire.concat(encode(OPEN), encode(KeepaliveMessage.INSTANCE), encode(UPDATE), encode(cease));

        assertThat(Wire.decodeAll(new CodecContext(), bytes))
                .containsExactly(OPEN, KeepaliveMessage.INSTANCE, UPDATE, cease);
    }

    @Test
    void messageSplitInsideTheHeaderWaitsForTheRest() {
        byte[] bytes = encode(UPDATE);

        List<Object> out = Wire.decodeAll(new CodecContext(), Arrays.copyOfRange(bytes, 0, 17),
                Arrays.copyOfRange(bytes, 17, bytes.length));

        assertThat(out).containsExactly(UPDATE);
    }

    @Test
    void messageSplitAfterTheHeaderWaitsForTheBody() {
        byte[] bytes = encode(UPDATE);
        EmbeddedChannel ch = Wire.channel(new CodecContext());
        try {
            ch.writeInbound(Unpooled.wrappedBuffer(Arrays.copyOfRange(bytes, 0, 19)));
            assertThat((Object) ch.readInbound()).isNull();
            ch.writeInbound(Unpooled.wrappedBuffer(Arrays.copyOfRange(bytes, 19, bytes.length)));
            assertThat((Object) ch.readInbound()).isEqualTo(UPDATE);
        } finally {
            ch.finishAndReleaseAll();
        }
    }

    @Test
    void buffersEndingMidMessageCarryOverToTheNext() {
        byte[] bytes = Wire.concat(encode(KeepaliveMessage.INSTANCE), encode(UPDATE), encode(KeepaliveMessage.INSTANCE));
        int cut = 19 + 10; // the first KEEPALIVE and part of the UPDATE's header

        List<Object> out = Wire.decodeAll(new CodecContext(), Arrays.copyOfRange(bytes, 0, cut),
                Arrays.copyOfRange(bytes, cut, bytes.length));

        assertThat(out).containsExactly(KeepaliveMessage.INSTANCE, UPDATE, KeepaliveMessage.INSTANCE);
    }

    @Test
    void nothingIsEmittedAfterAMalformedMessage() {
        byte[] bad = Wire.hex(Wire.header(4, 20) + "00"); // KEEPALIVE of length 20
        byte[] good = encode(KeepaliveMessage.INSTANCE);
        EmbeddedChannel ch = Wire.channel(new CodecContext());
        try {
            List<Object> out = new ArrayList<>();
            ch.writeInbound(Unpooled.wrappedBuffer(Wire.concat(good, bad, good)));
            Wire.drainInbound(ch, out);
            ch.writeInbound(Unpooled.wrappedBuffer(Wire.concat(good, encode(UPDATE))));
            Wire.drainInbound(ch, out);

            assertThat(out).hasSize(2);
            assertThat(out.get(0)).isEqualTo(KeepaliveMessage.INSTANCE);
            assertThat(out.get(1)).isInstanceOf(MalformedMessage.class);
            assertThat(((MalformedMessage) out.get(1)).notification())
                    .isEqualTo(Wire.notification(1, 2, "0014"));
        } finally {
            ch.finishAndReleaseAll();
        }
    }

    @Test
    void nothingIsEmittedAfterABadMarkerEvenWhenValidMessagesFollowLater() {
        byte[] bad = encode(KeepaliveMessage.INSTANCE);
        bad[0] = 0;
        List<Object> out = Wire.decodeAll(new CodecContext(), bad, encode(KeepaliveMessage.INSTANCE), encode(OPEN));

        assertThat(out).singleElement().isInstanceOf(MalformedMessage.class);
    }

    @Test
    void malformedUpdateEndsTheStreamButTreatAsWithdrawDoesNot() {
        // ORIGIN value 3: treat-as-withdraw, the session goes on
        byte[] taw = Wire.update("", Wire.attr(0x40, 1, "03") + Wire.attr(0x40, 2, "")
                + Wire.attr(0x40, 3, "c0000201"), "100a01");
        byte[] keepalive = encode(KeepaliveMessage.INSTANCE);

        List<Object> out = Wire.decodeAll(new CodecContext(), taw, keepalive);

        assertThat(out).hasSize(2);
        assertThat(((UpdateMessage) out.get(0)).treatAsWithdraw()).isPresent();
        assertThat(out.get(1)).isEqualTo(KeepaliveMessage.INSTANCE);
    }
}
