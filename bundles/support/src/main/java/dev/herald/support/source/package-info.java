/**
 * What the route source bundles share: {@link dev.herald.support.source.ClusterRouteSource}, the base of a source
 * that follows the cluster state, and {@link dev.herald.support.source.RouteListeners}. Embedded privately by each
 * source bundle (bnd {@code -conditionalpackage}), never exported.
 */
package dev.herald.support.source;
