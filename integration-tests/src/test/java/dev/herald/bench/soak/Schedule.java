package dev.herald.bench.soak;

import static dev.herald.bench.soak.FaultKind.BIRD_ADMIN_RESET;
import static dev.herald.bench.soak.FaultKind.BIRD_ADMIN_SHUTDOWN;
import static dev.herald.bench.soak.FaultKind.BIRD_BAD_PEER_AS;
import static dev.herald.bench.soak.FaultKind.BIRD_CONNECTION_KILLED;
import static dev.herald.bench.soak.FaultKind.BIRD_CRASH;
import static dev.herald.bench.soak.FaultKind.BIRD_HOLD_TIMER;
import static dev.herald.bench.soak.FaultKind.BIRD_PEER_REMOVED;
import static dev.herald.bench.soak.FaultKind.BIRD_RESTART;
import static dev.herald.bench.soak.FaultKind.BOTH_CONNECTIONS_KILLED;
import static dev.herald.bench.soak.FaultKind.FRR_ADMIN_RESET;
import static dev.herald.bench.soak.FaultKind.FRR_ADMIN_SHUTDOWN;
import static dev.herald.bench.soak.FaultKind.FRR_BAD_PEER_AS;
import static dev.herald.bench.soak.FaultKind.FRR_CONNECTION_KILLED;
import static dev.herald.bench.soak.FaultKind.FRR_CRASH;
import static dev.herald.bench.soak.FaultKind.FRR_HOLD_TIMER;
import static dev.herald.bench.soak.FaultKind.FRR_PEER_CHANGED;
import static dev.herald.bench.soak.FaultKind.FRR_RESTART;

import java.time.Duration;
import java.util.List;

/**
 * Which fault comes next: the quick session faults in turn, one slow one (a frozen peer, a refused OPEN) after every
 * five quick ones, an API cut-off and a backend swap there and back when their time has come. The first of each
 * comes early, so that the first minute has gone through every path the rest repeats. Deterministic: two runs of the
 * same length make the same faults in the same order.
 */
final class Schedule {
    private static final List<FaultKind> QUICK = List.of(BIRD_CONNECTION_KILLED, FRR_ADMIN_RESET, BIRD_RESTART,
            FRR_CONNECTION_KILLED, BIRD_ADMIN_SHUTDOWN, FRR_CRASH, BOTH_CONNECTIONS_KILLED, BIRD_ADMIN_RESET,
            FRR_PEER_CHANGED, BIRD_CRASH, FRR_ADMIN_SHUTDOWN, BIRD_PEER_REMOVED, FRR_RESTART);
    private static final List<FaultKind> SLOW = List.of(BIRD_HOLD_TIMER, FRR_BAD_PEER_AS, FRR_HOLD_TIMER,
            BIRD_BAD_PEER_AS);

    private final Duration cutoffEvery;
    private final Duration swapEvery;
    private Duration nextCutoff;
    private Duration nextSwap;
    private boolean swappedAway;
    private int quick;
    private int slow;
    private int sinceSlow;

    /**
     * @param length how long the soak runs: API cut-offs come every sixth of it (so that a 10-minute run has six;
     *     every 30 to 100 s), swaps there and back every third (every 60 to 200 s)
     */
    Schedule(Duration length) {
        cutoffEvery = clamp(length.dividedBy(6), Duration.ofSeconds(30), Duration.ofSeconds(100));
        swapEvery = clamp(length.dividedBy(3), Duration.ofSeconds(60), Duration.ofSeconds(200));
        nextCutoff = Duration.ofSeconds(10);
        nextSwap = Duration.ofSeconds(25);
    }

    private static Duration clamp(Duration d, Duration min, Duration max) {
        return d.compareTo(min) < 0 ? min : d.compareTo(max) > 0 ? max : d;
    }

    /** The fault to make at {@code elapsed} into the soak. */
    FaultKind next(Duration elapsed) {
        if (swappedAway) {
            swappedAway = false;
            return FaultKind.SWAP_TO_NATIVE; // straight back: the other faults run on the native backend
        }
        if (elapsed.compareTo(nextCutoff) >= 0) {
            nextCutoff = nextCutoff.plus(cutoffEvery);
            return FaultKind.API_CUTOFF;
        }
        if (elapsed.compareTo(nextSwap) >= 0) {
            nextSwap = nextSwap.plus(swapEvery);
            swappedAway = true;
            return FaultKind.SWAP_TO_GOBGP;
        }
        if (++sinceSlow > 5) {
            sinceSlow = 0;
            return SLOW.get(slow++ % SLOW.size());
        }
        return QUICK.get(quick++ % QUICK.size());
    }

    /** Whether the agent runs on goBGP now: the soak ends, and measures, only on the native backend. */
    boolean awayFromNative() {
        return swappedAway;
    }
}
