package dev.herald.api;

import inet.ipaddr.IPAddress;
import java.util.Optional;
import org.osgi.annotation.versioning.ProviderType;

/**
 * One {@code spec.bgpPeers[]} entry of a BGPPolicy, with the CRD's defaults already applied (port 179, multihopTTL
 * 1, gracefulRestartTimeSeconds 120, hold time 90 s, graceful restart on, no BFD). The password is not here: it
 * comes from the Secret.
 */
@ProviderType
public record BgpPeerSpec(IPAddress address, long asn, int port, int multihopTtl, int gracefulRestartTimeSeconds,
                          PeerTimers timers, boolean gracefulRestart, BfdSettings bfd) {
    public BgpPeerSpec {
        // Validation is PeerConfig's: build one to check every field with the same messages.
        new PeerConfig(new PeerKey(address, asn), port, multihopTtl, gracefulRestartTimeSeconds, Optional.empty(),
                timers, gracefulRestart, bfd);
        if (asn > 65535) {
            throw new IllegalArgumentException("bgpPeers asn " + asn + " is not in 1..65535");
        }
    }

    /** An entry with the default timers, graceful restart on and no BFD, as before 1.2. */
    public BgpPeerSpec(IPAddress address, long asn, int port, int multihopTtl, int gracefulRestartTimeSeconds) {
        this(address, asn, port, multihopTtl, gracefulRestartTimeSeconds, PeerTimers.DEFAULT, true,
                BfdSettings.DISABLED);
    }

    public PeerKey key() {
        return new PeerKey(address, asn);
    }

    /** The peer to configure, with the password found for it, if any. */
    public PeerConfig toPeerConfig(Optional<String> password) {
        return new PeerConfig(key(), port, multihopTtl, gracefulRestartTimeSeconds, password, timers,
                gracefulRestart, bfd);
    }
}
