package dev.herald.api.spi;

import java.time.Duration;
import java.util.Optional;
import org.osgi.annotation.versioning.ConsumerType;

/**
 * Told of the agent's events as they happen, so that counters and histograms cost nothing when read
 * (docs/metrics.md). The metrics bundle registers one; the controller and the cluster adapter call every registered
 * one, and none when there is none. State that can be read at any time (sessions, route counts, the effective
 * policy) is not pushed here: {@link AgentStatus} and {@link ClusterState} answer it.
 *
 * <p>Calls come from the agent's working threads: they must be cheap and must not block. Every method has a no-op
 * default, so an implementation overrides what it records.
 *
 * @since 1.5
 */
@ConsumerType
public interface Telemetry {
    /** Records nothing. */
    Telemetry NONE = new Telemetry() {
    };

    /**
     * A reconcile pass ended.
     *
     * @param took how long it ran
     * @param failure empty when it succeeded, else the failed step as the policy's status condition names it: a
     *     {@link dev.herald.api.ReconcileStep#reason()} ({@code BgpServerFailed}, {@code RoutesFailed}, ...)
     */
    default void reconciled(Duration took, Optional<String> failure) {
    }

    /**
     * A backend swap ended: the new server's peers all have every route ({@code converged}), or the controller gave
     * up waiting for that.
     *
     * @param took from the swap's start until it converged, or until the controller gave up
     */
    default void backendSwapped(String from, String to, Duration took, boolean converged) {
    }

    /**
     * A Kubernetes watch delivered an object.
     *
     * @param kind the object's kind as Kubernetes names it: {@code Node}, {@code Service}, {@code BGPPolicy}, ...
     * @param type {@code ADDED}, {@code MODIFIED} or {@code DELETED}
     */
    default void watchEvent(String kind, String type) {
    }
}
