package dev.herald.bgp.session;

import dev.herald.bgp.codec.BgpMessageDecoder;
import dev.herald.bgp.codec.BgpMessageEncoder;
import dev.herald.bgp.codec.CodecContext;
import dev.herald.bgp.message.BgpMessage;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.io.DataInputStream;
import java.net.Socket;

/** BGP messages over a plain socket, for tests that play the remote speaker by hand. */
final class RawWire {
    private RawWire() {
    }

    /** The messages as they go on the wire, one after the other. */
    static byte[] wire(BgpMessage... messages) {
        ByteBuf buf = Unpooled.buffer();
        for (BgpMessage m : messages) {
            BgpMessageEncoder.write(m, buf, new CodecContext());
        }
        byte[] bytes = new byte[buf.readableBytes()];
        buf.readBytes(bytes);
        return bytes;
    }

    /** The next message on {@code s}, decoded (blocks up to the socket's timeout). */
    static Object read(Socket s) throws Exception {
        DataInputStream in = new DataInputStream(s.getInputStream());
        byte[] header = new byte[BgpMessage.HEADER_LENGTH];
        in.readFully(header);
        int length = ((header[16] & 0xFF) << 8) | (header[17] & 0xFF);
        byte[] message = new byte[length];
        System.arraycopy(header, 0, message, 0, header.length);
        in.readFully(message, header.length, length - header.length);
        return new BgpMessageDecoder(new CodecContext()).decodeOne(Unpooled.wrappedBuffer(message));
    }
}
