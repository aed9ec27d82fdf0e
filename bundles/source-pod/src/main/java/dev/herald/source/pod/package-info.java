/**
 * The Pod CIDR route source: {@link dev.herald.source.pod.PodRouteSource} advertises the Node's
 * {@code spec.podCIDRs} and reports when the local Node's CIDRs change.
 * {@link dev.herald.source.pod.PodRouteSourceComponent} registers it as a {@link dev.herald.api.spi.RouteSource}
 * while a {@link dev.herald.api.spi.ClusterState} is there. Private to this bundle.
 */
package dev.herald.source.pod;
