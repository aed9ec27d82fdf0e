package dev.herald.bgp.message;

import org.osgi.annotation.versioning.ProviderType;

/** ROUTE-REFRESH (RFC 2918): asks the peer to send its Adj-RIB-Out for one AFI/SAFI again. */
@ProviderType
public record RouteRefreshMessage(int afi, int safi) implements BgpMessage {
    @Override
    public int type() {
        return ROUTE_REFRESH;
    }
}
