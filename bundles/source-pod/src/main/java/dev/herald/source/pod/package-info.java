/**
 * The Pod CIDR route source: {@link dev.herald.source.pod.PodRouteSource} advertises the Node's
 * {@code spec.podCIDRs} and reports when the local Node's CIDRs change. The source is itself the DS component
 * registered as a {@link dev.herald.api.spi.RouteSource} while a {@link dev.herald.api.spi.ClusterState} is there. Private to this bundle.
 */
package dev.herald.source.pod;
