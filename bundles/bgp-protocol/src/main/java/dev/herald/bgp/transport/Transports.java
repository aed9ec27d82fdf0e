package dev.herald.bgp.transport;

import org.osgi.annotation.versioning.ProviderType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Chooses the socket layer: native epoll where Linux offers it (needed for TCP-MD5 and TTL), else Java NIO. */
@ProviderType
public final class Transports {
    private static final Logger LOG = LoggerFactory.getLogger(Transports.class);

    private Transports() {
    }

    /**
     * Epoll when available, else NIO with a warning that ends in {@code withoutEpoll}: what its user loses, e.g.
     * {@code "using Java NIO: peers with a TCP-MD5 password will not start"}.
     */
    public static Transport best(String withoutEpoll) {
        try {
            if (EpollTransport.available()) {
                return new EpollTransport();
            }
            LOG.warn("Native epoll transport unavailable ({}); {}", EpollTransport.unavailabilityCause(),
                    withoutEpoll);
        } catch (LinkageError e) {
            LOG.warn("Native epoll transport not installed ({}); {}", e.toString(), withoutEpoll);
        }
        return Transport.NIO;
    }
}
