package dev.herald.testing;

import java.lang.management.ManagementFactory;
import java.util.concurrent.Callable;

/**
 * The resource invariants every fuzz target checks around the call under test
 * (docs/robustness.md, Fuzzing): at most {@link #TIME_LIMIT_NANOS} per input, and no more heap allocated on the
 * calling thread than {@code perInputByte × input length + constant}. Both throw {@link AssertionError}, which
 * Jazzer reports as a finding and the regression run as a failure.
 */
public final class FuzzBounds {
    /** One second per input. */
    public static final long TIME_LIMIT_NANOS = 1_000_000_000L;

    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

    private FuzzBounds() {
    }

    /**
     * Runs {@code call} twice and checks its time and the bytes it allocated on this thread. The smaller of the two
     * measurements counts: the first call on a new code path also pays for class loading, string-concatenation
     * bootstraps and the JIT, once per JVM and not per input. {@code call} must not keep state between calls.
     *
     * @param inputLength the length of the fuzz input in bytes
     * @param perInputByte bytes the call may allocate for every input byte
     * @param constant bytes the call may allocate whatever the input
     */
    public static <T> T check(String what, int inputLength, long perInputByte, long constant, Callable<T> call)
            throws Exception {
        long nanos = Long.MAX_VALUE;
        long allocated = Long.MAX_VALUE;
        T result = null;
        for (int i = 0; i < 2; i++) {
            long allocatedBefore = THREADS.getCurrentThreadAllocatedBytes();
            long start = System.nanoTime();
            result = call.call();
            nanos = Math.min(nanos, System.nanoTime() - start);
            allocated = Math.min(allocated, THREADS.getCurrentThreadAllocatedBytes() - allocatedBefore);
        }
        if (nanos > TIME_LIMIT_NANOS) {
            throw new AssertionError(what + " took " + nanos / 1_000_000 + " ms for " + inputLength
                    + " input bytes (limit " + TIME_LIMIT_NANOS / 1_000_000 + " ms)");
        }
        long limit = perInputByte * inputLength + constant;
        if (allocated > limit) {
            throw new AssertionError(what + " allocated " + allocated + " bytes for " + inputLength
                    + " input bytes (limit " + perInputByte + " × length + " + constant + " = " + limit + ")");
        }
        return result;
    }
}
