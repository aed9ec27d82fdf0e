package dev.herald.bgp.codec;

import static dev.herald.bgp.message.NotificationMessage.MALFORMED_AS_PATH;

import dev.herald.bgp.codec.AttributeCodec.Action;
import dev.herald.bgp.codec.AttributeCodec.Malformed;
import dev.herald.bgp.message.PathAttribute;
import io.netty.buffer.ByteBuf;

/** AS4_PATH (RFC 6793 §3): always 4-octet AS numbers; malformed means attribute discard (RFC 6793 §6). */
final class As4PathAttributeHandler extends AttributeHandler {
    As4PathAttributeHandler() {
        super(PathAttribute.AS4_PATH, PathAttribute.FLAG_OPTIONAL | PathAttribute.FLAG_TRANSITIVE, Action.ATTRIBUTE_DISCARD);
    }

    @Override
    PathAttribute parse(int flags, ByteBuf value, CodecContext ctx) throws Malformed {
        if (!value.isReadable()) {
            // RFC 6793 §6: an AS4_PATH too short to carry one AS number is malformed
            throw malformed(MALFORMED_AS_PATH, "empty AS4_PATH");
        }
        return new PathAttribute.As4Path(AsSegments.read(this, value, 4));
    }

    @Override
    int valueLength(PathAttribute attribute, CodecContext ctx) {
        return AsSegments.length(((PathAttribute.As4Path) attribute).segments(), 4);
    }

    @Override
    void serialize(PathAttribute attribute, ByteBuf out, CodecContext ctx) {
        AsSegments.write(out, ((PathAttribute.As4Path) attribute).segments(), 4);
    }
}
