/**
 * The Egress route source: {@link dev.herald.source.egress.EgressRouteSource} advertises, as host routes, the Egress
 * IPs a Node holds ({@code status.egressIP} of the Egresses whose {@code status.egressNode} is that Node) and reports
 * changes per Egress. The source is itself the DS component registered as a {@link dev.herald.api.spi.RouteSource}
 * while a {@link dev.herald.api.spi.ClusterState} is there. Private to this bundle.
 */
package dev.herald.source.egress;
