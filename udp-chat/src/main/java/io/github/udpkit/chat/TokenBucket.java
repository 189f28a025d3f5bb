package io.github.udpkit.chat;

import static com.google.common.base.Preconditions.checkArgument;

/**
 * A token bucket rate limit, sans-I/O: the caller passes the time, so the same bucket limits a
 * member on a server and paces a client in virtual time. It holds up to {@code capacity} tokens,
 * gains one every {@code refillMillis}, and each request takes one. Not thread-safe.
 *
 * @since 0.1.0
 */
public final class TokenBucket {

    private final int capacity;
    private final long refillMillis;
    private int tokens;
    private long lastRefill;

    /**
     * Creates a full bucket.
     *
     * @param capacity how many requests may come at once, positive
     * @param refillMillis how many milliseconds it takes to earn one more, positive
     * @param nowMillis the current time
     */
    public TokenBucket(int capacity, long refillMillis, long nowMillis) {
        checkArgument(capacity > 0, "capacity must be positive: %s", capacity);
        checkArgument(refillMillis > 0, "refillMillis must be positive: %s", refillMillis);
        this.capacity = capacity;
        this.refillMillis = refillMillis;
        this.tokens = capacity;
        this.lastRefill = nowMillis;
    }

    /**
     * Takes a token if there is one.
     *
     * @param nowMillis the current time; a time earlier than one seen before counts as no time passed
     * @return whether the request may go ahead
     */
    public boolean tryTake(long nowMillis) {
        refill(nowMillis);
        if (tokens == 0) {
            return false;
        }
        tokens--;
        return true;
    }

    /**
     * How long until a token will be there.
     *
     * @param nowMillis the current time
     * @return 0 if one is there now, else the milliseconds to wait
     */
    public long millisUntilAvailable(long nowMillis) {
        refill(nowMillis);
        return tokens > 0 ? 0 : lastRefill + refillMillis - nowMillis;
    }

    /**
     * The tokens there are now.
     *
     * @param nowMillis the current time
     * @return 0 to capacity
     */
    public int available(long nowMillis) {
        refill(nowMillis);
        return tokens;
    }

    private void refill(long nowMillis) {
        long elapsed = nowMillis - lastRefill;
        if (elapsed < refillMillis) {
            return;
        }
        long earned = elapsed / refillMillis;
        if (tokens + earned >= capacity) {
            tokens = capacity;
            lastRefill = nowMillis; // a full bucket banks no time
        } else {
            tokens += (int) earned;
            lastRefill += earned * refillMillis;
        }
    }
}
