/**
 * The Service route source: {@link dev.herald.source.service.ServiceRouteSource} turns every Service's ClusterIPs,
 * ExternalIPs and LoadBalancer IPs into host routes, applying the Local traffic policies per Node from the
 * Service's EndpointSlices, and reports changes per Service. The source is itself the DS component
 * registered as a {@link dev.herald.api.spi.RouteSource} while a {@link dev.herald.api.spi.ClusterState} is there.
 * Private to this bundle.
 */
package dev.herald.source.service;
