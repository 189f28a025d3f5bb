package io.github.udpkit.core.testing;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;

/**
 * Measures the heap bytes the current thread allocates, where the JVM can (HotSpot's
 * {@code com.sun.management.ThreadMXBean}), so fuzz harnesses can check that a decoder stays
 * within its declared allocation bounds whatever the input.
 */
public final class Allocations {
    private static final com.sun.management.ThreadMXBean THREADS = threads();

    private Allocations() {
    }

    private static com.sun.management.ThreadMXBean threads() {
        ThreadMXBean bean = ManagementFactory.getThreadMXBean();
        if (bean instanceof com.sun.management.ThreadMXBean hotspot && hotspot.isThreadAllocatedMemorySupported()) {
            hotspot.setThreadAllocatedMemoryEnabled(true);
            return hotspot;
        }
        return null;
    }

    /** Whether this JVM measures allocations; when it does not, {@link #current()} is always 0. */
    public static boolean supported() {
        return THREADS != null;
    }

    /** The bytes the current thread has allocated so far (0 where unsupported). */
    public static long current() {
        return THREADS == null ? 0 : THREADS.getCurrentThreadAllocatedBytes();
    }

    /**
     * Throws if more than {@code bound} bytes were allocated since {@code start}.
     *
     * @param start a value of {@link #current()}
     * @param bound the most bytes allowed
     * @param what what was measured, for the message
     * @throws BoundExceeded if more was allocated
     */
    public static void check(long start, long bound, String what) {
        long used = current() - start;
        if (used > bound) {
            throw new BoundExceeded(what + " allocated " + used + " bytes, more than its bound of " + bound);
        }
    }

    /**
     * Runs a measured action, and once more if it exceeded its bound: the first run of a code path
     * loads classes on this thread (and, under the fuzzer, instruments them), which allocates far
     * more than the code itself. An action that exceeds its bound twice really does.
     *
     * @param action the action, which calls {@link #check}
     * @return what the action returned
     */
    public static int measuredTwiceIfNeeded(java.util.function.IntSupplier action) {
        try {
            return action.getAsInt();
        } catch (BoundExceeded firstUse) {
            return action.getAsInt();
        }
    }

    /** An allocation above its bound. */
    public static final class BoundExceeded extends IllegalStateException {
        private static final long serialVersionUID = 1L;

        BoundExceeded(String message) {
            super(message);
        }
    }
}
