package io.github.udpkit.api;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Objects;

/**
 * A reliable message was not acknowledged by its peer before its retries or its delivery deadline
 * ran out. It names the peer, the number of transmissions and the time spent.
 *
 * @since 0.1.0
 */
public class DeliveryException extends UdpException {
    private static final long serialVersionUID = 1L;

    private final InetSocketAddress peer;
    private final int attempts;
    private final Duration elapsed;
    private final String reason;

    /**
     * Creates the exception.
     *
     * @param peer the peer that did not acknowledge
     * @param attempts how many times the message (or its last unacknowledged fragment) was sent
     * @param elapsed the time from the send to giving up
     * @param reason why delivery ended ("retries exhausted", "deadline passed", "peer closed", ...)
     */
    public DeliveryException(InetSocketAddress peer, int attempts, Duration elapsed, String reason) {
        super("message to " + peer + " not delivered: " + reason + " after " + attempts + " attempt"
                + (attempts == 1 ? "" : "s") + " in " + elapsed.toMillis() + " ms");
        this.peer = Objects.requireNonNull(peer, "peer");
        this.attempts = attempts;
        this.elapsed = Objects.requireNonNull(elapsed, "elapsed");
        this.reason = Objects.requireNonNull(reason, "reason");
    }

    /** The peer the message was for. */
    public InetSocketAddress peer() {
        return peer;
    }

    /** How many times the message was transmitted before giving up. */
    public int attempts() {
        return attempts;
    }

    /** The time between the send and giving up. */
    public Duration elapsed() {
        return elapsed;
    }

    /** Why delivery ended, in a few words: "retries exhausted", "delivery deadline passed", "peer closed", .... */
    public String reason() {
        return reason;
    }
}
