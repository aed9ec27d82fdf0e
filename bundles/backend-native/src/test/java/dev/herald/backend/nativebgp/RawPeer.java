package dev.herald.backend.nativebgp;

import dev.herald.bgp.codec.BgpMessageEncoder;
import dev.herald.bgp.codec.CodecContext;
import dev.herald.bgp.message.BgpMessage;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;

/** A peer on a plain socket that writes whatever bytes a test gives it, well-formed or not, and reads replies. */
final class RawPeer implements AutoCloseable {
    /** A message as read off the wire: type and body. */
    record Received(int type, byte[] body) {
        int code() {
            return body[0] & 0xFF;
        }

        int subcode() {
            return body[1] & 0xFF;
        }
    }

    private final Socket socket;
    private final DataInputStream in;
    private final OutputStream out;
    private final CodecContext codec = new CodecContext();

    RawPeer(String localAddress, InetSocketAddress herald) throws IOException {
        socket = new Socket();
        socket.bind(new InetSocketAddress(InetAddress.getByName(localAddress), 0));
        socket.connect(herald, 5000);
        socket.setSoTimeout(5000);
        in = new DataInputStream(socket.getInputStream());
        out = socket.getOutputStream();
        codec.fourOctetAs(true);
    }

    void send(BgpMessage m) throws IOException {
        ByteBuf buf = Unpooled.buffer();
        BgpMessageEncoder.write(m, buf, codec);
        byte[] bytes = new byte[buf.readableBytes()];
        buf.readBytes(bytes);
        buf.release();
        send(bytes);
    }

    void send(byte[] raw) throws IOException {
        out.write(raw);
        out.flush();
    }

    /** The next message, or null when nothing comes within {@code millis} or the connection closed. */
    Received read(int millis) throws IOException {
        socket.setSoTimeout(millis);
        try {
            byte[] header = new byte[19];
            in.readFully(header);
            int length = ((header[16] & 0xFF) << 8) | (header[17] & 0xFF);
            byte[] body = new byte[length - 19];
            in.readFully(body);
            return new Received(header[18] & 0xFF, body);
        } catch (SocketTimeoutException | java.io.EOFException e) {
            return null;
        } catch (IOException e) {
            if (socket.isClosed() || e.getMessage() != null && e.getMessage().contains("reset")) {
                return null;
            }
            throw e;
        }
    }

    /** Reads until a message of {@code type} arrives; null if none within the time. */
    Received readUntil(int type, int millis) throws IOException {
        long deadline = System.currentTimeMillis() + millis;
        while (System.currentTimeMillis() < deadline) {
            Received r = read((int) Math.max(1, deadline - System.currentTimeMillis()));
            if (r == null) {
                return null;
            }
            if (r.type() == type) {
                return r;
            }
        }
        return null;
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
