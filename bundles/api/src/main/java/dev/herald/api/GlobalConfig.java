package dev.herald.api;

import inet.ipaddr.IPAddress;
import inet.ipaddr.ipv4.IPv4Address;
import java.util.Objects;
import java.util.Optional;
import org.osgi.annotation.versioning.ProviderType;

/**
 * What a BGP server is started with. Two configs that are equal describe the same server; any difference between
 * them (ASN, router ID, port, listen address, confederation) means the server must be restarted.
 *
 * @param localAsn the local AS number
 * @param routerId the BGP identifier, an IPv4 address
 * @param listenPort the TCP port the server listens on, 1..65535
 * @param listenAddress the address to listen on and to send from; empty means every local address and the
 *     kernel's choice of source
 * @param confederation the confederation this speaker is a member of, if any
 * @param gracefulRestart whether the server advertises the graceful-restart capability (RFC 4724)
 */
@ProviderType
public record GlobalConfig(
        long localAsn,
        IPv4Address routerId,
        int listenPort,
        Optional<IPAddress> listenAddress,
        Optional<Confederation> confederation,
        boolean gracefulRestart) {

    /** The well-known BGP port. */
    public static final int DEFAULT_PORT = 179;

    public GlobalConfig {
        Asn.check(localAsn, "local ASN");
        Objects.requireNonNull(routerId, "routerId");
        Ports.check(listenPort, "listen port");
        Objects.requireNonNull(listenAddress, "listenAddress");
        Objects.requireNonNull(confederation, "confederation");
        listenAddress = listenAddress.map(a -> a.withoutPrefixLength());
    }

    /** A config with the default port, no listen address, no confederation, and graceful restart on. */
    public static GlobalConfig of(long localAsn, String routerId) {
        return new GlobalConfig(localAsn, Addresses.ipv4(routerId, "router ID"), DEFAULT_PORT,
                Optional.empty(), Optional.empty(), true);
    }

    public GlobalConfig withListenPort(int port) {
        return new GlobalConfig(localAsn, routerId, port, listenAddress, confederation, gracefulRestart);
    }

    public GlobalConfig withListenAddress(IPAddress address) {
        return new GlobalConfig(localAsn, routerId, listenPort, Optional.ofNullable(address), confederation,
                gracefulRestart);
    }

    public GlobalConfig withConfederation(Confederation c) {
        return new GlobalConfig(localAsn, routerId, listenPort, listenAddress, Optional.ofNullable(c),
                gracefulRestart);
    }
}
