package dev.herald.bgp.session;

import dev.herald.bgp.message.OpenMessage;
import java.net.InetSocketAddress;
import org.osgi.annotation.versioning.ConsumerType;

/**
 * Decides at OPEN which peer an accepted connection belongs to, as a router with dynamic neighbours does: the
 * listener holds the connection until the remote's OPEN is whole, then asks. Called on the connection's event loop;
 * must not block. An exception refuses the connection like {@link OpenDecision#refuse} with Cease/Connection
 * Rejected.
 */
@ConsumerType
@FunctionalInterface
public interface OpenResolver {
    /**
     * @param remote the address and port the connection comes from
     * @param open the remote's OPEN
     * @return the peer to hand the connection to (on the connection's event loop), or the NOTIFICATION that refuses it
     */
    OpenDecision resolve(InetSocketAddress remote, OpenMessage open);
}
