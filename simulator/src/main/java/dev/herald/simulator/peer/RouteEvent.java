package dev.herald.simulator.peer;

import java.net.InetAddress;
import java.time.Instant;

/**
 * One change to an emulated peer's table, in the order it happened. A graceful restart that keeps routes as stale
 * logs nothing; a test that a route was never withdrawn looks for the absence of {@link Kind#WITHDRAW}.
 *
 * @param from the remote's session address
 * @param fromRouterId the remote's BGP identifier, dotted (what tells agents apart on {@code ::1})
 * @param nextHop the announced next hop; for a withdrawal the one the route had, or null if it was unknown
 * @param cause why: {@code UPDATE} for what the remote sent, else what removed the route (a NOTIFICATION, the restart
 *     timer, End-of-RIB after a restart, ...)
 */
public record RouteEvent(Kind kind, String prefix, InetAddress from, String fromRouterId, InetAddress nextHop,
                         Instant at, String cause) {
    public static final String UPDATE = "UPDATE";

    public enum Kind { ANNOUNCE, WITHDRAW }

    @Override
    public String toString() {
        return at + " " + kind + " " + prefix + " from " + AddressText.of(from) + " (" + fromRouterId + ")"
                + (nextHop == null ? "" : " via " + AddressText.of(nextHop))
                + (UPDATE.equals(cause) ? "" : " (" + cause + ")");
    }
}
