package dev.herald.api;

import java.util.Objects;
import org.osgi.annotation.versioning.ProviderType;

/**
 * The BGPPolicy in force on this node and the BGP server it runs.
 *
 * @param name the BGPPolicy's name
 * @param config the running server's config (router ID, local ASN, listen port, confederation)
 */
@ProviderType
public record EffectivePolicy(String name, GlobalConfig config) {
    public EffectivePolicy {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(config, "config");
    }
}
