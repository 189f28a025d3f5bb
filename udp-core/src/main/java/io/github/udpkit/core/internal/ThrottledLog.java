package io.github.udpkit.core.internal;

import org.slf4j.Logger;

/**
 * Logs an event that can repeat once per datagram (a malformed datagram, a codec failure) at most
 * once per interval, with the number of occurrences it held back, so a flood of bad input cannot
 * flood the log. Single-threaded: owned by one I/O thread.
 */
public final class ThrottledLog {
    private final Logger logger;
    private final long intervalNanos;
    private long nextLogAt = Long.MIN_VALUE;
    private long suppressed;

    /**
     * Creates a throttled log.
     *
     * @param logger where to log
     * @param intervalNanos the least time between two log lines
     */
    public ThrottledLog(Logger logger, long intervalNanos) {
        this.logger = logger;
        this.intervalNanos = intervalNanos;
    }

    /**
     * Logs at debug level unless a line was logged less than the interval ago.
     *
     * @param nowNanos the current time
     * @param format an slf4j format
     * @param args its arguments
     */
    public void debug(long nowNanos, String format, Object... args) {
        if (logger.isDebugEnabled() && due(nowNanos)) {
            if (suppressed > 0) {
                logger.debug("({} similar messages suppressed)", suppressed);
                suppressed = 0;
            }
            logger.debug(format, args);
        }
    }

    /**
     * Logs at warning level unless a line was logged less than the interval ago: for what an
     * operator must hear of (forged input), but not once per datagram.
     *
     * @param nowNanos the current time
     * @param format an slf4j format
     * @param args its arguments
     */
    public void warn(long nowNanos, String format, Object... args) {
        if (logger.isWarnEnabled() && due(nowNanos)) {
            if (suppressed > 0) {
                logger.warn("({} similar warnings suppressed)", suppressed);
                suppressed = 0;
            }
            logger.warn(format, args);
        }
    }

    private boolean due(long nowNanos) {
        if (nextLogAt != Long.MIN_VALUE && nowNanos - nextLogAt < 0) {
            suppressed++;
            return false;
        }
        nextLogAt = nowNanos + intervalNanos;
        return true;
    }
}
