package dev.herald.api;

import org.osgi.annotation.versioning.ProviderType;

/**
 * A peer's BGP timers (RFC 4271 §10), from a BGPPolicy's {@code bgpPeers[]} entry (docs/bgp-policy.md, "Timers
 * and BFD").
 *
 * @param holdTimeSeconds the hold time offered in OPEN: 0 (no hold timer, no keepalives) or 3..65535; the session
 *     uses the smaller of the two sides' offers
 * @param keepaliveIntervalSeconds seconds between KEEPALIVEs; 0 means a third of the negotiated hold time. Less
 *     than the hold time when both are set
 * @param connectRetrySeconds seconds between connection attempts while the peer is unreachable; 0 means Herald's
 *     back-off (5 s doubling to 120 s). Jittered by 0.75..1 either way (RFC 4271 §10)
 * @since 1.2
 */
@ProviderType
public record PeerTimers(int holdTimeSeconds, int keepaliveIntervalSeconds, int connectRetrySeconds) {
    public static final int DEFAULT_HOLD_TIME_SECONDS = 90;
    /** The BGP defaults: hold time 90 s, keepalive a third of it, Herald's connect back-off. */
    public static final PeerTimers DEFAULT = new PeerTimers(DEFAULT_HOLD_TIME_SECONDS, 0, 0);

    public PeerTimers {
        if (holdTimeSeconds != 0 && (holdTimeSeconds < 3 || holdTimeSeconds > 65535)) {
            throw new IllegalArgumentException("holdTimeSeconds " + holdTimeSeconds + " is neither 0 nor in 3..65535");
        }
        if (keepaliveIntervalSeconds < 0 || keepaliveIntervalSeconds > 65535) {
            throw new IllegalArgumentException("keepaliveIntervalSeconds " + keepaliveIntervalSeconds
                    + " is not in 1..65535");
        }
        if (keepaliveIntervalSeconds > 0 && holdTimeSeconds > 0 && keepaliveIntervalSeconds >= holdTimeSeconds) {
            throw new IllegalArgumentException("keepaliveIntervalSeconds " + keepaliveIntervalSeconds
                    + " must be less than holdTimeSeconds " + holdTimeSeconds);
        }
        if (connectRetrySeconds < 0 || connectRetrySeconds > 65535) {
            throw new IllegalArgumentException("connectRetrySeconds " + connectRetrySeconds + " is not in 1..65535");
        }
    }

    /** The keepalive interval for a negotiated hold time: the configured one, else a third of it; 0 for none. */
    public int keepaliveSeconds(int negotiatedHoldTime) {
        if (negotiatedHoldTime == 0) {
            return 0;
        }
        int k = keepaliveIntervalSeconds > 0 ? keepaliveIntervalSeconds : negotiatedHoldTime / 3;
        return Math.max(1, Math.min(k, negotiatedHoldTime - 1));
    }
}
