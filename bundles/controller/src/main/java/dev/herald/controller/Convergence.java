package dev.herald.controller;

import dev.herald.api.PeerStatus;
import dev.herald.api.Route;
import dev.herald.api.SessionState;
import dev.herald.api.spi.BgpServer;
import java.util.List;
import java.util.Set;

/**
 * Whether a server's peers have its whole table: every peer Established and sent every route of its address family.
 *
 * @param peers configured peers
 * @param established peers whose session is Established
 * @param complete peers that were sent every route of their family
 * @param v4 IPv4 routes the server advertises
 * @param v6 IPv6 routes the server advertises
 */
record Convergence(int peers, int established, int complete, int v4, int v6) {
    static Convergence of(BgpServer server) {
        Set<Route> routes = server.routes();
        int v6 = (int) routes.stream().filter(Route::isIPv6).count();
        int v4 = routes.size() - v6;
        List<PeerStatus> ps = server.peers();
        int established = 0;
        int complete = 0;
        for (PeerStatus p : ps) {
            if (p.state() == SessionState.ESTABLISHED) {
                established++;
                long want = p.key().address().isIPv6() ? v6 : v4;
                if (p.prefixesSent() == want) {
                    complete++;
                }
            }
        }
        return new Convergence(ps.size(), established, complete, v4, v6);
    }

    boolean converged() {
        return complete == peers;
    }

    @Override
    public String toString() {
        return established + "/" + peers + " peers Established, " + complete + " sent all " + v4 + " IPv4 and "
                + v6 + " IPv6 routes";
    }
}
