package dev.herald.simulator.peer;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.Objects;
import java.util.Optional;

/**
 * Which remote speaker an emulated peer means. A router tells its neighbours apart by address, and so does an
 * emulated peer, except on {@code ::1}: without root, every agent on the machine has that one IPv6 address, so there
 * the remote's BGP identifier (which RFC 4271 §6.8 already uses to tell connections of one speaker apart) is part of
 * its identity.
 *
 * <p>As a selector ({@link EmulatedPeer#session(RemoteId)}, the faults), an identifier without a router ID means
 * every remote at that address.
 *
 * @param routerId the remote's BGP identifier, dotted; present only where the address does not tell remotes apart,
 *     or in a selector that names one
 */
public record RemoteId(InetAddress address, Optional<String> routerId) {
    public RemoteId {
        Objects.requireNonNull(address, "address");
        Objects.requireNonNull(routerId, "routerId");
    }

    /** Every remote at {@code address} (just one, except on {@code ::1}). */
    public static RemoteId of(InetAddress address) {
        return new RemoteId(address, Optional.empty());
    }

    /** The remote at {@code address} whose BGP identifier is {@code routerId} (dotted). */
    public static RemoteId of(InetAddress address, String routerId) {
        return new RemoteId(address, Optional.of(routerId));
    }

    /** The identity of a remote whose OPEN carried {@code routerId}: with it only on an address speakers share. */
    static RemoteId identity(InetAddress address, String routerId) {
        return shared(address) ? of(address, routerId) : of(address);
    }

    /** {@code ::1}: the only IPv6 address every local speaker has, so several agents connect from it. */
    static boolean shared(InetAddress address) {
        return address instanceof Inet6Address && address.isLoopbackAddress();
    }

    /** This selector names {@code remote}: same address, and the same router ID if this one names one. */
    boolean matches(InetAddress remoteAddress, String remoteRouterId) {
        return address.equals(remoteAddress) && routerId.map(id -> id.equals(remoteRouterId)).orElse(true);
    }

    @Override
    public String toString() {
        return AddressText.of(address) + routerId.map(id -> " (router ID " + id + ")").orElse("");
    }
}
