/**
 * The socket layer under a speaker: {@link dev.herald.bgp.transport.Transport} with Java NIO everywhere
 * ({@link dev.herald.bgp.transport.Transport#NIO}), {@link dev.herald.bgp.transport.EpollTransport} on Linux for
 * TCP-MD5 (per peer, and for every address on a listening socket), the TTL and {@code TCP_NOTSENT_LOWAT}, and
 * {@link dev.herald.bgp.transport.Transports} to choose between them.
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.0.0")
package dev.herald.bgp.transport;
