package dev.herald.bgp.session;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Objects;
import java.util.Optional;

/**
 * Where and how to reach a neighbour.
 *
 * @param remote the peer's address and port
 * @param localAddress the address to connect from, if set
 * @param ttl the IP TTL of the session's packets; 1 is the default of a directly connected peer and leaves the
 *     socket's default alone
 * @param password the TCP-MD5 password, if any
 * @param passive only accept the peer's connections, never connect out
 */
public record PeerEndpoint(InetSocketAddress remote, Optional<InetAddress> localAddress, int ttl,
                           Optional<String> password, boolean passive) {
    public PeerEndpoint {
        Objects.requireNonNull(remote, "remote");
        Objects.requireNonNull(localAddress, "localAddress");
        Objects.requireNonNull(password, "password");
    }

    public static PeerEndpoint of(InetSocketAddress remote) {
        return new PeerEndpoint(remote, Optional.empty(), 1, Optional.empty(), false);
    }

    @Override
    public String toString() {
        return remote.getAddress().getHostAddress() + ":" + remote.getPort() + (passive ? " passive" : "")
                + (password.isPresent() ? " md5" : "") + (ttl > 1 ? " ttl " + ttl : "");
    }
}
