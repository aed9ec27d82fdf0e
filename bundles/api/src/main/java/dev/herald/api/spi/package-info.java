/**
 * The service interfaces between Herald's bundles. Each is an OSGi service that can come and go while the agent
 * runs: a {@link dev.herald.api.spi.BgpServerFactory} per backend, a {@link dev.herald.api.spi.RouteSource} per
 * kind of route, one {@link dev.herald.api.spi.ClusterState}. Callers must expect them to be replaced at any time.
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.6.0")
package dev.herald.api.spi;
