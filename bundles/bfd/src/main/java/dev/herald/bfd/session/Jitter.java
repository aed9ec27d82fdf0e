package dev.herald.bfd.session;

import java.util.random.RandomGenerator;

/**
 * Transmit jitter of RFC 5880 §6.8.7: each interval is reduced by a random 0-25 %, or by 10-25 % when
 * bfd.DetectMult is 1 (so no two consecutive packets can be a full interval apart).
 *
 * <p>With a scheduler grid ({@link BfdScheduler#gridNanos()}), the moment is one of the grid points in that window,
 * picked at random, when the window holds at least two: the sessions of one endpoint then send in batches, one thread
 * wake-up for several packets instead of one each, which is most of what BFD costs at short intervals (docs/bfd.md,
 * "CPU"). A window too narrow for two points gets a continuous random moment.
 */
final class Jitter {
    private final RandomGenerator random;

    Jitter(RandomGenerator random) {
        this.random = random;
    }

    /**
     * The delay from {@code nowNanos} to the next periodic packet: {@code intervalNanos} scaled by a random factor
     * in [0.75, 1.0), or [0.75, 0.90) if detectMult is 1; on a point of {@code gridNanos} if it is positive and the
     * window allows.
     */
    long delay(long nowNanos, long intervalNanos, int detectMult, long gridNanos) {
        double high = detectMult == 1 ? 0.90 : 1.0;
        long earliest = nowNanos + (long) (intervalNanos * 0.75);
        long end = nowNanos + (long) (intervalNanos * high); // exclusive
        if (gridNanos > 0) {
            long first = ceil(earliest, gridNanos);
            long points = first >= end ? 0 : (end - 1 - first) / gridNanos + 1;
            if (points >= 2) {
                return first + random.nextLong(points) * gridNanos - nowNanos;
            }
        }
        return earliest - nowNanos + (long) (random.nextDouble() * (end - earliest));
    }

    /** The first point of the grid at or after {@code t}. */
    static long ceil(long t, long gridNanos) {
        return Math.floorDiv(t + gridNanos - 1, gridNanos) * gridNanos;
    }
}
