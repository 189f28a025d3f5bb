package io.github.udpkit.chat;

import java.util.concurrent.TimeUnit;

/**
 * Milliseconds since the epoch that never go backwards: the wall clock read once, then advanced by
 * {@link System#nanoTime()}. The cores need both properties: their times stamp messages and run
 * their timers.
 */
final class MonotonicClock {
    private final long wallAnchorMillis = System.currentTimeMillis();
    private final long nanoAnchor = System.nanoTime();

    long millis() {
        return wallAnchorMillis + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - nanoAnchor);
    }
}
