package dev.herald.bgp.codec;

import static dev.herald.bgp.message.NotificationMessage.BAD_MESSAGE_LENGTH;
import static dev.herald.bgp.message.NotificationMessage.BAD_MESSAGE_TYPE;
import static dev.herald.bgp.message.NotificationMessage.CONNECTION_NOT_SYNCHRONIZED;
import static dev.herald.bgp.message.NotificationMessage.MESSAGE_HEADER_ERROR;

import dev.herald.bgp.message.BgpMessage;
import dev.herald.bgp.message.KeepaliveMessage;
import dev.herald.bgp.message.NotificationMessage;
import dev.herald.bgp.message.RouteRefreshMessage;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import java.util.List;
import org.osgi.annotation.versioning.ProviderType;

/**
 * Frames BGP messages on marker and length and decodes them. Emits {@link BgpMessage}s, or one
 * {@link MalformedMessage} when the input breaks the protocol, after which it discards everything: the session
 * answers with the NOTIFICATION and closes. Lengths are checked per type (RFC 4271 §6.1) against the limit in force
 * ({@link CodecContext#maxMessageLength()}; OPEN and KEEPALIVE never above 4096, RFC 8654).
 */
@ProviderType
public final class BgpMessageDecoder extends ByteToMessageDecoder {
    private final CodecContext context;
    private boolean failed;

    public BgpMessageDecoder(CodecContext context) {
        this.context = context;
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        if (failed) {
            in.skipBytes(in.readableBytes());
            return;
        }
        while (in.readableBytes() >= BgpMessage.HEADER_LENGTH) {
            Object decoded = decodeOne(in);
            if (decoded == null) {
                return; // wait for the rest of the message
            }
            out.add(decoded);
            if (decoded instanceof MalformedMessage) {
                failed = true;
                in.skipBytes(in.readableBytes());
                return;
            }
        }
    }

    /** One message from {@code in}, a {@link MalformedMessage}, or null when more bytes are needed. */
    public Object decodeOne(ByteBuf in) {
        int start = in.readerIndex();
        for (int i = 0; i < 16; i++) {
            if (in.getByte(start + i) != (byte) 0xFF) {
                return new MalformedMessage(new NotificationMessage(MESSAGE_HEADER_ERROR,
                        CONNECTION_NOT_SYNCHRONIZED), "marker is not all ones");
            }
        }
        int length = in.getUnsignedShort(start + 16);
        int type = in.getUnsignedByte(start + 18);
        String lengthError = checkLength(type, length);
        if (lengthError != null) {
            return new MalformedMessage(new NotificationMessage(MESSAGE_HEADER_ERROR, BAD_MESSAGE_LENGTH,
                    new byte[] {(byte) (length >>> 8), (byte) length}), lengthError);
        }
        if (type < BgpMessage.OPEN || type > BgpMessage.ROUTE_REFRESH) {
            return new MalformedMessage(new NotificationMessage(MESSAGE_HEADER_ERROR, BAD_MESSAGE_TYPE,
                    new byte[] {(byte) type}), "message type " + type);
        }
        if (in.readableBytes() < length) {
            return null;
        }
        ByteBuf body = in.slice(start + BgpMessage.HEADER_LENGTH, length - BgpMessage.HEADER_LENGTH);
        in.skipBytes(length);
        try {
            return switch (type) {
                case BgpMessage.OPEN -> OpenCodec.read(body);
                case BgpMessage.UPDATE -> UpdateCodec.read(body, context);
                case BgpMessage.NOTIFICATION -> {
                    int code = body.readUnsignedByte();
                    int subcode = body.readUnsignedByte();
                    byte[] data = new byte[body.readableBytes()];
                    body.readBytes(data);
                    yield new NotificationMessage(code, subcode, data);
                }
                case BgpMessage.KEEPALIVE -> KeepaliveMessage.INSTANCE;
                default -> new RouteRefreshMessage(body.readUnsignedShort(), body.skipBytes(1).readUnsignedByte());
            };
        } catch (BgpProtocolException e) {
            return new MalformedMessage(e.notification(), e.getMessage());
        } catch (IndexOutOfBoundsException e) {
            // a field ran past its message: the lengths inside disagree with the message length
            return new MalformedMessage(new NotificationMessage(MESSAGE_HEADER_ERROR, BAD_MESSAGE_LENGTH,
                    new byte[] {(byte) (length >>> 8), (byte) length}), "message body truncated: " + e.getMessage());
        }
    }

    private String checkLength(int type, int length) {
        if (length < BgpMessage.HEADER_LENGTH) {
            return "length " + length + " is shorter than a header";
        }
        int max = type == BgpMessage.OPEN || type == BgpMessage.KEEPALIVE ? BgpMessage.MAX_LENGTH
                : context.maxMessageLength();
        if (length > max) {
            return "length " + length + " exceeds " + max;
        }
        return switch (type) {
            case BgpMessage.OPEN -> length < 29 ? "OPEN of length " + length + " (at least 29)" : null;
            case BgpMessage.UPDATE -> length < 23 ? "UPDATE of length " + length + " (at least 23)" : null;
            case BgpMessage.NOTIFICATION -> length < 21 ? "NOTIFICATION of length " + length + " (at least 21)"
                    : null;
            case BgpMessage.KEEPALIVE -> length != 19 ? "KEEPALIVE of length " + length + " (exactly 19)" : null;
            case BgpMessage.ROUTE_REFRESH -> length != 23 ? "ROUTE-REFRESH of length " + length + " (exactly 23)"
                    : null;
            default -> null;
        };
    }
}
