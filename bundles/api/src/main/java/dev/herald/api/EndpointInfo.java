package dev.herald.api;

import java.util.Objects;
import java.util.Optional;
import org.osgi.annotation.versioning.ProviderType;

/**
 * One endpoint of a Service's EndpointSlice, as far as the Local traffic policies care.
 *
 * @param nodeName the Node the endpoint runs on, if known
 * @param ready {@code conditions.ready}; an absent condition counts as true
 * @param serving {@code conditions.serving}; absent counts as {@code ready}
 * @param terminating {@code conditions.terminating}; absent counts as false
 */
@ProviderType
public record EndpointInfo(Optional<String> nodeName, boolean ready, boolean serving, boolean terminating) {
    public EndpointInfo {
        Objects.requireNonNull(nodeName, "nodeName");
    }

    /** Whether this endpoint makes its Node a place that serves the Service: ready, or serving while terminating. */
    public boolean usable() {
        return ready || (serving && terminating);
    }

    /** Whether this endpoint is a usable one on {@code node}. */
    public boolean usableOn(String node) {
        return usable() && nodeName.filter(node::equals).isPresent();
    }
}
