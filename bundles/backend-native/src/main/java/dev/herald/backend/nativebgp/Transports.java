package dev.herald.backend.nativebgp;

import dev.herald.bgp.transport.Transport;

/** The socket layer of native servers: the protocol kit's choice, epoll where Linux offers it, else Java NIO. */
final class Transports {
    private Transports() {
    }

    static Transport best() {
        return dev.herald.bgp.transport.Transports.best("using Java NIO: peers with a TCP-MD5 password will not "
                + "start");
    }
}
