package dev.herald.bfd.session;

import java.time.Duration;
import org.osgi.annotation.versioning.ProviderType;

/**
 * What the local system asks for in a session (RFC 5880 §6.8.1): bfd.DesiredMinTxInterval,
 * bfd.RequiredMinRxInterval and bfd.DetectMult, plus whether the session is multihop (RFC 5883) rather than single
 * hop (RFC 5881). Intervals are in microseconds, as on the wire.
 *
 * @param desiredMinTxMicros how often we would like to send, at least 1 µs; raised to 1 s while the session is not
 *     Up (RFC 5880 §6.8.3)
 * @param requiredMinRxMicros how often we can take packets; 0 asks the peer to send no periodic packets
 * @param detectMultiplier how many of our transmit intervals the peer waits before declaring us down, 1-255
 * @param multihop RFC 5883 (UDP port 4784, TTL check relaxed) instead of RFC 5881 (port 3784, TTL 255 only)
 */
@ProviderType
public record BfdParameters(long desiredMinTxMicros, long requiredMinRxMicros, int detectMultiplier,
                            boolean multihop) {
    private static final long MAX_INTERVAL = 0xFFFF_FFFFL;

    public BfdParameters {
        if (desiredMinTxMicros < 1 || desiredMinTxMicros > MAX_INTERVAL) {
            throw new IllegalArgumentException("desired min TX " + desiredMinTxMicros + " µs is not in 1-"
                    + MAX_INTERVAL);
        }
        if (requiredMinRxMicros < 0 || requiredMinRxMicros > MAX_INTERVAL) {
            throw new IllegalArgumentException("required min RX " + requiredMinRxMicros + " µs is not in 0-"
                    + MAX_INTERVAL);
        }
        if (detectMultiplier < 1 || detectMultiplier > 255) {
            throw new IllegalArgumentException("detect multiplier " + detectMultiplier + " is not in 1-255");
        }
    }

    /** A single-hop session (RFC 5881). */
    public static BfdParameters singleHop(Duration minTx, Duration minRx, int multiplier) {
        return new BfdParameters(micros(minTx), micros(minRx), multiplier, false);
    }

    /** A multihop session (RFC 5883). */
    public static BfdParameters multihop(Duration minTx, Duration minRx, int multiplier) {
        return new BfdParameters(micros(minTx), micros(minRx), multiplier, true);
    }

    /** These parameters with other intervals and multiplier, same mode. */
    public BfdParameters withTimers(Duration minTx, Duration minRx, int multiplier) {
        return new BfdParameters(micros(minTx), micros(minRx), multiplier, multihop);
    }

    private static long micros(Duration d) {
        return d.toNanos() / 1000;
    }
}
