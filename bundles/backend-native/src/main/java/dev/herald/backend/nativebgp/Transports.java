package dev.herald.backend.nativebgp;

import dev.herald.bgp.session.Transport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Chooses the socket layer: native epoll where Linux offers it (needed for TCP-MD5 and TTL), else Java NIO. */
final class Transports {
    private static final Logger LOG = LoggerFactory.getLogger(Transports.class);

    private Transports() {
    }

    static Transport best() {
        try {
            if (EpollTransport.available()) {
                return new EpollTransport();
            }
            LOG.warn("Native epoll transport unavailable ({}); using Java NIO: peers with a TCP-MD5 password "
                    + "will not start", EpollTransport.unavailabilityCause());
        } catch (LinkageError e) {
            LOG.warn("Native epoll transport not installed ({}); using Java NIO: peers with a TCP-MD5 password "
                    + "will not start", e.toString());
        }
        return Transport.NIO;
    }
}
