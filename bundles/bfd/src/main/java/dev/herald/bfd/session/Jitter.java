package dev.herald.bfd.session;

import java.util.random.RandomGenerator;

/**
 * Transmit jitter of RFC 5880 §6.8.7: each interval is reduced by a random 0-25 %, or by 10-25 % when
 * bfd.DetectMult is 1 (so no two consecutive packets can be a full interval apart).
 */
final class Jitter {
    private final RandomGenerator random;

    Jitter(RandomGenerator random) {
        this.random = random;
    }

    /** {@code intervalNanos} scaled by a random factor in [0.75, 1.0), or [0.75, 0.90) if detectMult is 1. */
    long apply(long intervalNanos, int detectMult) {
        double high = detectMult == 1 ? 0.90 : 1.0;
        double factor = 0.75 + random.nextDouble() * (high - 0.75);
        return (long) (intervalNanos * factor);
    }
}
