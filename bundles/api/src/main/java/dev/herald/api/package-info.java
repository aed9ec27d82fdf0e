/**
 * Herald's shared vocabulary: immutable model records for BGP configuration, peers, routes, BGPPolicies and the
 * local Node. Every type here is a value: immutable, thread-safe, with equality by content, and validated when
 * constructed (a record that exists is valid). Bundles exchange only these types and the SPIs in
 * {@link dev.herald.api.spi}.
 *
 * <p>Every type is {@code @ProviderType}: only this bundle defines them, users construct and read them.
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.3.0")
package dev.herald.api;
