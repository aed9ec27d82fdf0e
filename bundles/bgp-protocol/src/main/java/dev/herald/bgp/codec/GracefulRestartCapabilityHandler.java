package dev.herald.bgp.codec;

import dev.herald.bgp.message.Capability;
import dev.herald.bgp.message.Capability.GracefulRestart;
import io.netty.buffer.ByteBuf;
import java.util.ArrayList;
import java.util.List;

/**
 * Graceful restart (RFC 4724 §3): restart flags (R bit) and a 12-bit restart time, then per AFI/SAFI a flags byte
 * whose top bit says forwarding state was preserved.
 */
final class GracefulRestartCapabilityHandler implements CapabilityHandler {
    @Override
    public int code() {
        return Capability.GRACEFUL_RESTART;
    }

    @Override
    public Capability parse(ByteBuf v) throws BgpProtocolException {
        if (v.readableBytes() < 2 || (v.readableBytes() - 2) % 4 != 0) {
            throw malformed("graceful restart capability of " + v.readableBytes() + " bytes");
        }
        int flagsAndTime = v.readUnsignedShort();
        List<GracefulRestart.Family> families = new ArrayList<>();
        while (v.isReadable()) {
            int afi = v.readUnsignedShort();
            int safi = v.readUnsignedByte();
            families.add(new GracefulRestart.Family(afi, safi, (v.readUnsignedByte() & 0x80) != 0));
        }
        return new GracefulRestart((flagsAndTime & 0x8000) != 0, flagsAndTime & 0x0FFF, families);
    }

    @Override
    public void serialize(Capability capability, ByteBuf out) {
        GracefulRestart g = (GracefulRestart) capability;
        out.writeShort((g.restarting() ? 0x8000 : 0) | g.restartTimeSeconds());
        for (GracefulRestart.Family f : g.families()) {
            out.writeShort(f.afi());
            out.writeByte(f.safi());
            out.writeByte(f.forwardingPreserved() ? 0x80 : 0);
        }
    }
}
