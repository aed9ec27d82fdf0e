package dev.herald.api;

import java.time.Instant;
import java.util.Comparator;
import java.util.Objects;
import org.osgi.annotation.versioning.ProviderType;

/**
 * A BGPPolicy object as the cluster holds it.
 *
 * @param name the (cluster-scoped) object name
 * @param creationTimestamp decides which matching policy is effective: the oldest
 * @param generation {@code metadata.generation}; only a change of it is a change of the spec
 * @param spec the validated spec
 */
@ProviderType
public record BgpPolicy(String name, Instant creationTimestamp, long generation, BgpPolicySpec spec) {
    /** Oldest first; equal timestamps by name, so the choice never depends on listing order. */
    public static final Comparator<BgpPolicy> AGE_ORDER = Comparator
            .comparing(BgpPolicy::creationTimestamp)
            .thenComparing(BgpPolicy::name);

    public BgpPolicy {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(creationTimestamp, "creationTimestamp");
        Objects.requireNonNull(spec, "spec");
    }
}
