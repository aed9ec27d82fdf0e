/**
 * The BGP wire format on Netty {@code ByteBuf}s: {@link dev.herald.bgp.codec.BgpMessageDecoder} frames on marker and
 * length and decodes each message type; {@link dev.herald.bgp.codec.BgpMessageEncoder} writes them. Protocol errors
 * become {@link dev.herald.bgp.codec.MalformedMessage} events carrying the NOTIFICATION to send (RFC 4271 §6), and
 * UPDATE errors follow RFC 7606 (treat-as-withdraw and attribute-discard instead of a reset where it says so).
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.0.0")
package dev.herald.bgp.codec;
