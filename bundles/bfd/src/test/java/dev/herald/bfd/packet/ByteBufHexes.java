package dev.herald.bfd.packet;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;

/** Test helper: the readable bytes of a buffer. */
final class ByteBufHexes {
    private ByteBufHexes() {
    }

    static byte[] bytes(ByteBuf buf) {
        return ByteBufUtil.getBytes(buf);
    }
}
