package dev.herald.bgp.message;

/** ROUTE-REFRESH (RFC 2918): asks the peer to send its Adj-RIB-Out for one AFI/SAFI again. */
public record RouteRefreshMessage(int afi, int safi) implements BgpMessage {
    @Override
    public int type() {
        return ROUTE_REFRESH;
    }
}
