package io.github.udpkit.core.internal;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * A counter written by one thread and read by any: the writer pays a plain read and an opaque
 * store (no fence, no CAS), readers see a recent, untorn value.
 *
 * <p>Only one thread may call the mutators; that is how the protocol engine, confined to its I/O
 * thread, can publish statistics to other threads for almost nothing.
 */
public final class Counter {
    private static final VarHandle VALUE;

    static {
        try {
            VALUE = MethodHandles.lookup().findVarHandle(Counter.class, "value", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    @SuppressWarnings("unused") // accessed through VALUE
    private long value;

    /** Adds one. Writer thread only. */
    public void increment() {
        VALUE.setOpaque(this, value + 1);
    }

    /**
     * Adds a delta. Writer thread only.
     *
     * @param delta the amount to add
     */
    public void add(long delta) {
        VALUE.setOpaque(this, value + delta);
    }

    /**
     * Sets the value, for gauges. Writer thread only.
     *
     * @param newValue the new value
     */
    public void set(long newValue) {
        VALUE.setOpaque(this, newValue);
    }

    /**
     * Reads the value from any thread.
     *
     * @return a recent value, never torn
     */
    public long get() {
        return (long) VALUE.getOpaque(this);
    }

    @Override
    public String toString() {
        return Long.toString(get());
    }
}
