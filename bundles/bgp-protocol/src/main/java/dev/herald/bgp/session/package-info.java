/**
 * The BGP session state machine (RFC 4271 §8) on Netty: {@link dev.herald.bgp.session.BgpConnection} runs one TCP
 * connection from OPEN to Established with its hold and keepalive timers; {@link dev.herald.bgp.session.BgpPeer}
 * owns every connection to one neighbour (active and passive, connect-retry with jitter and back-off, collision
 * detection of §6.8); {@link dev.herald.bgp.session.BgpListener} accepts connections and hands them to their peer,
 * by source address or by the remote's OPEN ({@link dev.herald.bgp.session.OpenResolver}).
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("2.2.0")
package dev.herald.bgp.session;
