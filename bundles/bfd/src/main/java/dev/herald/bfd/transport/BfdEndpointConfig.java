package dev.herald.bfd.transport;

import java.net.InetAddress;
import java.util.List;
import java.util.Objects;
import org.osgi.annotation.versioning.ProviderType;

/**
 * How a {@link BfdSessions} endpoint listens and sends. {@link #defaults()} is what a router needs: the wildcard
 * addresses, the RFC ports, the native transport with the TTL check. The port settings exist for tests that run two
 * endpoints on one address.
 *
 * @param listenAddresses where to receive; empty means the wildcard address (IPv6 and IPv4 on one socket where the
 *     host has IPv6, else IPv4 only)
 * @param singleHopPort the UDP port single-hop packets are received on (RFC 5881: 3784)
 * @param multihopPort the UDP port multihop packets are received on (RFC 5883: 4784); 0 opens no multihop socket
 * @param peerSingleHopPort the port single-hop packets are sent to (3784)
 * @param peerMultihopPort the port multihop packets are sent to (4784)
 * @param multihopMaxHops how many hops a multihop packet may have come: packets with a TTL below 256 - this are
 *     dropped (255 accepts any TTL)
 * @param ttlSecurity send with TTL / hop limit 255 and drop single-hop packets whose TTL is not 255 (RFC 5881 §5):
 *     needs the native transport
 * @param transport which socket layer to use
 */
@ProviderType
public record BfdEndpointConfig(List<InetAddress> listenAddresses, int singleHopPort, int multihopPort,
                                int peerSingleHopPort, int peerMultihopPort, int multihopMaxHops,
                                boolean ttlSecurity, TransportKind transport) {
    /** The socket layer. */
    @ProviderType
    public enum TransportKind {
        /** Native epoll where it is available, else Java NIO (which then cannot have {@code ttlSecurity}). */
        AUTO,
        /** Native epoll (Linux) only. */
        EPOLL,
        /** Java NIO: no TTL setting or check, so only with {@code ttlSecurity} off (tests). */
        NIO
    }

    public static final int SINGLE_HOP_PORT = 3784;
    public static final int MULTIHOP_PORT = 4784;

    public BfdEndpointConfig {
        listenAddresses = List.copyOf(listenAddresses);
        checkPort("singleHopPort", singleHopPort, false);
        checkPort("multihopPort", multihopPort, true);
        checkPort("peerSingleHopPort", peerSingleHopPort, false);
        checkPort("peerMultihopPort", peerMultihopPort, false);
        if (multihopMaxHops < 1 || multihopMaxHops > 255) {
            throw new IllegalArgumentException("multihopMaxHops " + multihopMaxHops + " is not in 1-255");
        }
        Objects.requireNonNull(transport, "transport");
    }

    private static void checkPort(String name, int port, boolean zeroAllowed) {
        if (port < (zeroAllowed ? 0 : 1) || port > 65535) {
            throw new IllegalArgumentException(name + " " + port + " is not a UDP port");
        }
    }

    /** Wildcard addresses, ports 3784 and 4784, any hop count for multihop, epoll with the TTL check. */
    public static BfdEndpointConfig defaults() {
        return new BfdEndpointConfig(List.of(), SINGLE_HOP_PORT, MULTIHOP_PORT, SINGLE_HOP_PORT, MULTIHOP_PORT, 255,
                true, TransportKind.AUTO);
    }

    public BfdEndpointConfig withListenAddresses(InetAddress... addresses) {
        return new BfdEndpointConfig(List.of(addresses), singleHopPort, multihopPort, peerSingleHopPort,
                peerMultihopPort, multihopMaxHops, ttlSecurity, transport);
    }

    /** Where this endpoint receives: single hop and multihop port (0: no multihop socket). */
    public BfdEndpointConfig withPorts(int singleHop, int multihop) {
        return new BfdEndpointConfig(listenAddresses, singleHop, multihop, peerSingleHopPort, peerMultihopPort,
                multihopMaxHops, ttlSecurity, transport);
    }

    /** Where this endpoint sends to: the peers' single hop and multihop port. */
    public BfdEndpointConfig withPeerPorts(int singleHop, int multihop) {
        return new BfdEndpointConfig(listenAddresses, singleHopPort, multihopPort, singleHop, multihop,
                multihopMaxHops, ttlSecurity, transport);
    }

    public BfdEndpointConfig withMultihopMaxHops(int hops) {
        return new BfdEndpointConfig(listenAddresses, singleHopPort, multihopPort, peerSingleHopPort,
                peerMultihopPort, hops, ttlSecurity, transport);
    }

    public BfdEndpointConfig withTtlSecurity(boolean on) {
        return new BfdEndpointConfig(listenAddresses, singleHopPort, multihopPort, peerSingleHopPort,
                peerMultihopPort, multihopMaxHops, on, transport);
    }

    public BfdEndpointConfig withTransport(TransportKind kind) {
        return new BfdEndpointConfig(listenAddresses, singleHopPort, multihopPort, peerSingleHopPort,
                peerMultihopPort, multihopMaxHops, ttlSecurity, kind);
    }

    /** The lowest TTL a multihop packet may arrive with. */
    int multihopMinTtl() {
        return 256 - multihopMaxHops;
    }
}
