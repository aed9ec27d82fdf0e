/**
 * The BFD Control packet (RFC 5880 §4.1) as an immutable value, and its codec on Netty {@code ByteBuf}s.
 * {@link dev.herald.bfd.packet.BfdPacketCodec#decode} never throws for bad input: it returns either the packet or
 * the {@link dev.herald.bfd.packet.DiscardReason} of the first reception check of RFC 5880 §6.8.6 it fails.
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.0.0")
package dev.herald.bfd.packet;
