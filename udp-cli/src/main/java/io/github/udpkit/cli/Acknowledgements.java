package io.github.udpkit.cli;

import static com.google.common.base.Preconditions.checkArgument;

import io.github.udpkit.api.DeliveryException;
import io.github.udpkit.core.Durations;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The reliable sends of {@code udpkit send} still waiting for their acknowledgement, oldest first,
 * and the first that failed. Bounded: when {@code maxPending} are outstanding, adding one waits
 * for the oldest, so reading a large input never holds more than that many futures.
 *
 * <p>Every wait is bounded by the delivery deadline plus a grace period: the engine fails a
 * message at its deadline, the grace covers the time from that decision to this thread.
 * Not thread-safe: the sending thread owns it.
 */
final class Acknowledgements {

    /** Time for a failure decided on the I/O thread to reach the waiting thread. */
    static final Duration GRACE = Duration.ofSeconds(1);

    private final InetSocketAddress peer;
    private final Duration deadline;
    private final int maxPending;
    private final Deque<Pending> pending = new ArrayDeque<>();
    private Failure failure;
    private long acknowledged;

    Acknowledgements(InetSocketAddress peer, Duration deadline, int maxPending) {
        this.peer = Objects.requireNonNull(peer, "peer");
        this.deadline = Objects.requireNonNull(deadline, "deadline");
        checkArgument(maxPending > 0, "maxPending must be positive: %s", maxPending);
        this.maxPending = maxPending;
    }

    /** Tracks the send of message {@code number}; waits for the oldest first if too many are outstanding. */
    void add(long number, CompletableFuture<Void> future) throws InterruptedException {
        pending.add(new Pending(number, future));
        settleCompleted();
        while (failure == null && pending.size() > maxPending) {
            awaitOldest();
        }
    }

    /** The first failure seen so far, so the sender can stop early. */
    Optional<Failure> failure() {
        return Optional.ofNullable(failure);
    }

    /**
     * Waits, boundedly, until every message is acknowledged or one has failed.
     *
     * @return the first failure, or empty if every message was acknowledged
     */
    Optional<Failure> awaitAll() throws InterruptedException {
        settleCompleted();
        while (failure == null && !pending.isEmpty()) {
            awaitOldest();
        }
        return failure();
    }

    /** The number of messages acknowledged. */
    long acknowledged() {
        return acknowledged;
    }

    private void settleCompleted() {
        while (failure == null && !pending.isEmpty() && pending.peek().future().isDone()) {
            settle(pending.poll(), null);
        }
    }

    private void awaitOldest() throws InterruptedException {
        Pending oldest = pending.poll();
        Duration wait = deadline.plus(GRACE);
        try {
            oldest.future().get(wait.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException | CancellationException e) {
            // settled below, from the future itself
        } catch (TimeoutException e) {
            settle(oldest, wait);
            return;
        }
        settle(oldest, null);
    }

    private void settle(Pending p, Duration waited) {
        if (waited != null) {
            failure = new Failure(p.number(), "no acknowledgement from " + Addresses.format(peer) + " for message "
                    + p.number() + " within " + Durations.format(waited) + " (--timeout " + Durations.format(deadline)
                    + ")");
            return;
        }
        try {
            p.future().join();
            acknowledged++;
        } catch (CompletionException | CancellationException e) {
            failure = new Failure(p.number(), describe(p.number(), e.getCause() != null ? e.getCause() : e));
        }
    }

    /** {@code 127.0.0.1:9 did not acknowledge message 1: delivery deadline passed after 4 attempts in 503 ms}. */
    private String describe(long number, Throwable cause) {
        if (cause instanceof DeliveryException d) {
            return Addresses.format(d.peer()) + " did not acknowledge message " + number + ": " + d.reason() + " after "
                    + d.attempts() + " attempt" + (d.attempts() == 1 ? "" : "s") + " in " + d.elapsed().toMillis()
                    + " ms (--timeout " + Durations.format(deadline) + ")";
        }
        return "message " + number + " to " + Addresses.format(peer) + " was not acknowledged: " + cause.getMessage();
    }

    /** Why the sends did not all succeed: the first message that failed, in one line. */
    record Failure(long number, String message) {
    }

    private record Pending(long number, CompletableFuture<Void> future) {
    }
}
