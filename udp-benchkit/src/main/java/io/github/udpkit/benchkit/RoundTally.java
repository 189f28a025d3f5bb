package io.github.udpkit.benchkit;

/**
 * The counts a receiver keeps of one round of stamped messages: distinct, duplicate, overtaken,
 * stale (of an earlier round) and malformed messages, and when the first and last distinct ones
 * arrived. The receiving thread writes them; {@link #publish()}, a volatile write, makes them
 * visible to the benchmark's thread, which reads them through {@link #snapshot} once the stream
 * has gone quiet. How a receiver tells a duplicate is its own ({@link SequenceCounter} keeps a
 * seen-set, a chat member relies on in-order delivery); the bookkeeping around it is this.
 */
final class RoundTally {

    private int round = Integer.MIN_VALUE;
    private long unique;
    private long duplicates;
    private long reordered;
    private long stale;
    private long malformed;
    private long firstNanos;
    private long lastNanos;
    private volatile long counted;

    /** The round being counted; receiving thread only. */
    int round() {
        return round;
    }

    /**
     * Whether a message of this round would start a new count: the first round, or a later one.
     * Receiving thread only.
     *
     * @param messageRound the round stamped in the message
     * @return true for a later round than the one being counted
     */
    boolean isNewRound(int messageRound) {
        return messageRound != round && (round == Integer.MIN_VALUE || messageRound - round > 0);
    }

    /**
     * Looks at a message's round: a later one starts a new count, an earlier one is counted as
     * stale. Receiving thread only.
     *
     * @param messageRound the round stamped in the message
     * @return false if the message is of an earlier round (counted stale and published), so the caller stops
     */
    boolean enter(int messageRound) {
        if (messageRound == round) {
            return true;
        }
        if (!isNewRound(messageRound)) {
            stale++;
            publish();
            return false;
        }
        round = messageRound;
        unique = 0;
        duplicates = 0;
        reordered = 0;
        stale = 0;
        malformed = 0;
        firstNanos = 0;
        lastNanos = 0;
        return true;
    }

    /** A message of the wrong size or with an impossible stamp; receiving thread only. */
    void malformed() {
        malformed++;
    }

    /** A message already counted; receiving thread only. */
    void duplicate() {
        duplicates++;
    }

    /**
     * A distinct message; receiving thread only.
     *
     * @param now when it arrived
     * @param outOfOrder whether it broke sequence order (came after a higher number, or after a gap)
     */
    void distinct(long now, boolean outOfOrder) {
        if (unique == 0) {
            firstNanos = now;
        }
        unique++;
        if (outOfOrder) {
            reordered++;
        }
        lastNanos = now;
    }

    /** Publishes what the receiving thread counted: the volatile write every reader's read pairs with. */
    void publish() {
        counted = counted + 1;
    }

    /** How many messages were looked at so far, of any round; grows while messages still arrive. */
    long counted() {
        return counted;
    }

    /**
     * Whether the counts published so far are of the given round: the volatile read that makes
     * them visible. Call before reading other state the receiving thread published with them.
     */
    boolean isOf(int wanted) {
        return counted != 0 && round == wanted;
    }

    /**
     * The counts of one round.
     *
     * @param wanted the round asked for
     * @return its counts; all zero if no message of that round has arrived
     */
    SequenceCounter.Snapshot snapshot(int wanted) {
        if (!isOf(wanted)) {
            return new SequenceCounter.Snapshot(0, 0, 0, 0, 0, 0, 0);
        }
        return new SequenceCounter.Snapshot(unique, duplicates, reordered, stale, malformed, firstNanos, lastNanos);
    }
}
