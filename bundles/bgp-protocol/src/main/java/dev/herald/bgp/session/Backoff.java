package dev.herald.bgp.session;

import java.time.Duration;
import java.util.Objects;
import org.osgi.annotation.versioning.ProviderType;

/**
 * A doubling wait between connection attempts: {@code first} after the first failure, twice as long after each
 * further one, never more than {@code max}. {@link BgpPeer}'s connect-retry is {@link #CONNECT_RETRY}; a dialer of
 * its own (a test peer connecting to speakers it knows only by address) picks its own bounds.
 *
 * @param first the wait after the first failed attempt
 * @param max the longest wait
 * @param jittered whether each wait is cut to a random 75..100 % of itself (RFC 4271 §10), so that speakers that
 *     failed together do not retry together
 */
@ProviderType
public record Backoff(Duration first, Duration max, boolean jittered) {
    /** {@link BgpPeer}'s connect-retry: 5 s doubling to at most 120 s, jittered. */
    public static final Backoff CONNECT_RETRY = new Backoff(Duration.ofSeconds(5), Duration.ofSeconds(120), true);

    public Backoff {
        Objects.requireNonNull(first, "first");
        Objects.requireNonNull(max, "max");
    }

    /** The wait after {@code failures} failed attempts in a row, with the jitter drawn from {@code random} in [0, 1). */
    public long delayMillis(int failures, double random) {
        // more than 20 doublings reach any sensible max; the cap keeps the shift from overflowing
        long base = Math.min(max.toMillis(), first.toMillis() << Math.min(Math.max(failures, 0), 20));
        return jittered ? (long) (base * (0.75 + 0.25 * random)) : base;
    }
}
