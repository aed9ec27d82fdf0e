package dev.herald.simulator.peer;

import dev.herald.bgp.transport.Transport;
import dev.herald.bgp.transport.Transports;

/** The socket layer of emulated peers: the protocol kit's (epoll where Linux offers it, for TCP-MD5), or NIO. */
final class PeerTransport {
    private PeerTransport() {
    }

    /**
     * {@value #TRANSPORT_PROPERTY}{@code =nio} makes new emulated peers use Java NIO. Set where agents run in OSGi
     * frameworks in this JVM: when the class loader of a bundle's copy of netty's epoll library is unloaded (a
     * backend bundle updated), netty unregisters the natives of the class path's copy too, and epoll peers die.
     */
    static final String TRANSPORT_PROPERTY = "herald.sim.transport";

    static Transport best() {
        if ("nio".equals(System.getProperty(TRANSPORT_PROPERTY))) {
            return Transport.NIO;
        }
        return Transports.best("emulated peers use Java NIO and cannot have a TCP-MD5 password");
    }
}
