package dev.herald.bgp.codec;

import dev.herald.bgp.message.Capability;
import io.netty.buffer.ByteBuf;

/** Route refresh (RFC 2918 §2): no value. */
final class RouteRefreshCapabilityHandler implements CapabilityHandler {
    @Override
    public int code() {
        return Capability.ROUTE_REFRESH;
    }

    @Override
    public Capability parse(ByteBuf v) throws BgpProtocolException {
        expectLength(v, 0);
        return new Capability.RouteRefresh();
    }

    @Override
    public void serialize(Capability capability, ByteBuf out) {
        // no value
    }
}
