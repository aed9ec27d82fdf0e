/**
 * Herald's Prometheus endpoint: {@code /metrics} on {@code metrics.address}, with the BGP sessions, routes,
 * reconcile passes, backend swaps, Kubernetes watches and the JVM (docs/metrics.md). Nothing is exported; the
 * Prometheus Java client lives inside this bundle.
 */
package dev.herald.metrics;
