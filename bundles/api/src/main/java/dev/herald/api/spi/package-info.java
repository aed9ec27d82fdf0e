/**
 * The service interfaces between Herald's bundles. Each is an OSGi service that can come and go while the agent
 * runs: a {@link dev.herald.api.spi.BgpServerFactory} per backend, a {@link dev.herald.api.spi.RouteSource} per
 * kind of route, one {@link dev.herald.api.spi.ClusterState}. Callers must expect them to be replaced at any time.
 *
 * <p>Each type says who implements it, which decides what a change costs (docs/development.md, pitfall 34). A service
 * interface is {@code @ProviderType}: the bundle that registers the service implements it (a backend its
 * {@code BgpServerFactory} and servers, the cluster adapter {@code ClusterState}, {@code ClusterWriter} and their
 * {@code Registration}s, a source its {@code RouteSource}, the controller {@code AgentStatus}), so adding a method
 * is a minor change that only those providers must follow. The listeners and {@code Telemetry} and
 * {@code ShutdownAdvisor}, implemented by the bundles that use the package and called by the providers, are
 * {@code @ConsumerType}: adding a method to one is a major change.
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.6.0")
package dev.herald.api.spi;
