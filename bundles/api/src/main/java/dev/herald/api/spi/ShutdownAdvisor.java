package dev.herald.api.spi;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * Says how the BGP sessions end when the whole agent stops (SIGTERM): with a Cease, so peers drop the node's routes
 * at once (the agent is removed), or for a graceful restart, so peers keep forwarding until the next agent on this
 * node has sent its table (the agent is replaced, for example by a rolling update of its DaemonSet). The backends
 * ask it once, as the framework begins to stop and before any bundle stops; without an advisor they send a Cease.
 * See docs/deploy.md, "Upgrades without a flap".
 *
 * @since 1.4
 */
@ConsumerType
public interface ShutdownAdvisor {
    /**
     * How the running BGP servers stop. Called on the thread that stops the framework; may ask the cluster, but must
     * answer within a few seconds and never throw.
     */
    StopMode onAgentStop();
}
