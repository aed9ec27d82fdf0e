/**
 * BFD over UDP on Netty: {@link dev.herald.bfd.transport.BfdSessions} is an endpoint that listens on UDP 3784
 * (single hop, RFC 5881) and 4784 (multihop, RFC 5883), sends each session's packets from a source port of its own
 * in 49152-65535 with TTL / hop limit 255, selects the session of each received packet by Your Discriminator or by
 * addresses, and runs every session's state machine on one event loop. docs/bfd.md describes the TTL check.
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.0.0")
package dev.herald.bfd.transport;
