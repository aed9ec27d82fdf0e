package dev.herald.bgp.codec;

import dev.herald.bgp.codec.AttributeCodec.Action;
import dev.herald.bgp.codec.AttributeCodec.Malformed;
import dev.herald.bgp.message.PathAttribute;
import io.netty.buffer.ByteBuf;

/** LOCAL_PREF (RFC 4271 §5.1.5): four octets; malformed means treat-as-withdraw (RFC 7606 §7.5). */
final class LocalPrefAttributeHandler extends AttributeHandler {
    LocalPrefAttributeHandler() {
        super(PathAttribute.LOCAL_PREF, PathAttribute.FLAG_TRANSITIVE, Action.TREAT_AS_WITHDRAW);
    }

    @Override
    PathAttribute parse(int flags, ByteBuf value, CodecContext ctx) throws Malformed {
        expectLength(value, 4);
        return new PathAttribute.LocalPref(value.readUnsignedInt());
    }

    @Override
    int valueLength(PathAttribute attribute, CodecContext ctx) {
        return 4;
    }

    @Override
    void serialize(PathAttribute attribute, ByteBuf out, CodecContext ctx) {
        out.writeInt((int) ((PathAttribute.LocalPref) attribute).value());
    }
}
