/**
 * BGP-4 messages (RFC 4271, RFC 2918), capabilities (RFC 5492 and the RFCs of each) and path attributes as
 * immutable values. {@link dev.herald.bgp.message.Prefix} is the compact NLRI form every table uses.
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.1.0")
package dev.herald.bgp.message;
