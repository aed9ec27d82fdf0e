package dev.herald.api;

import org.osgi.annotation.versioning.ProviderType;

/**
 * BFD (RFC 5880, 5881, 5883) for one peer's BGP session, from a BGPPolicy's {@code bgpPeers[].bfd} (docs/bgp-policy.md,
 * "Timers and BFD"). When BFD says the peer is down, the BGP session goes down at once.
 *
 * @param enabled whether a BFD session runs beside the BGP session
 * @param minReceiveIntervalMilliseconds the fastest rate at which this side wants BFD packets, 10..60000
 * @param minTransmitIntervalMilliseconds the fastest rate at which this side sends them, 10..60000
 * @param detectionMultiplier missed packets before the peer is declared down, 1..255
 * @since 1.2
 */
@ProviderType
public record BfdSettings(boolean enabled, int minReceiveIntervalMilliseconds, int minTransmitIntervalMilliseconds,
                          int detectionMultiplier) {
    public static final int DEFAULT_INTERVAL_MILLISECONDS = 300;
    public static final int DEFAULT_DETECTION_MULTIPLIER = 3;
    /** No BFD: the default of a peer without a {@code bfd} block. */
    public static final BfdSettings DISABLED = new BfdSettings(false, DEFAULT_INTERVAL_MILLISECONDS,
            DEFAULT_INTERVAL_MILLISECONDS, DEFAULT_DETECTION_MULTIPLIER);

    public BfdSettings {
        interval(minReceiveIntervalMilliseconds, "bfd.minReceiveIntervalMilliseconds");
        interval(minTransmitIntervalMilliseconds, "bfd.minTransmitIntervalMilliseconds");
        if (detectionMultiplier < 1 || detectionMultiplier > 255) {
            throw new IllegalArgumentException("bfd.detectionMultiplier " + detectionMultiplier
                    + " is not in 1..255");
        }
    }

    /** BFD on with these intervals and multiplier. */
    public static BfdSettings enabled(int minReceiveMillis, int minTransmitMillis, int multiplier) {
        return new BfdSettings(true, minReceiveMillis, minTransmitMillis, multiplier);
    }

    private static void interval(int ms, String field) {
        if (ms < 10 || ms > 60000) {
            throw new IllegalArgumentException(field + " " + ms + " is not in 10..60000");
        }
    }
}
