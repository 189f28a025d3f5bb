package io.github.udpkit.benchkit;

import static com.google.common.base.Preconditions.checkArgument;

import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * Counts the messages of a one-way stream by their {@link Stamp}: distinct sequence numbers of the
 * current round, duplicates, stragglers from earlier rounds and messages of the wrong size, and
 * when the first and last of the round arrived. Loss is then what was sent less what was counted.
 *
 * <p>One receiving thread calls {@link #accept}; the benchmark's thread reads {@link #snapshot}
 * once the stream has gone quiet. The seen-set is preallocated, so counting allocates nothing.
 *
 * @since 0.1.0
 */
public final class SequenceCounter implements Deliveries {

    /** The most messages one round may send: the size of the preallocated seen-set, in bits (8 MiB). */
    public static final int MAX_MESSAGES_PER_ROUND = 1 << 26;

    private final int payloadBytes;
    private final long[] seen = new long[MAX_MESSAGES_PER_ROUND >>> 6];

    private final RoundTally tally = new RoundTally();
    // Written by the receiving thread only; published to readers with the tally.
    private long highestSequence = -1;

    /**
     * Creates a counter for messages of one size.
     *
     * @param payloadBytes the size every message must have, at least {@link Stamp#LENGTH}
     */
    public SequenceCounter(int payloadBytes) {
        checkArgument(payloadBytes >= Stamp.LENGTH, "payloadBytes must be at least %s: %s", Stamp.LENGTH, payloadBytes);
        this.payloadBytes = payloadBytes;
    }

    /**
     * Counts one received message; called by the receiving thread only.
     *
     * @param messageRound the round stamped in the message
     * @param sequence the sequence number stamped in the message
     * @param length the message's length in bytes
     */
    public void accept(int messageRound, long sequence, int length) {
        long now = System.nanoTime();
        if (tally.isNewRound(messageRound)) {
            clearSeen(); // a later round starts on an empty seen-set
        }
        if (!tally.enter(messageRound)) {
            return;
        }
        if (length != payloadBytes || sequence < 0 || sequence >= MAX_MESSAGES_PER_ROUND) {
            tally.malformed();
        } else {
            int word = (int) (sequence >>> 6);
            long bit = 1L << sequence;
            if ((seen[word] & bit) != 0) {
                tally.duplicate();
            } else {
                seen[word] |= bit;
                tally.distinct(now, sequence < highestSequence);
                highestSequence = Math.max(highestSequence, sequence);
            }
        }
        tally.publish();
    }

    /**
     * Counts one received message held in a byte array; called by the receiving thread only.
     *
     * @param message the whole message
     */
    public void accept(byte[] message) {
        if (message.length < Stamp.LENGTH) {
            acceptShort();
        } else {
            accept(Stamp.round(message), Stamp.sequence(message), message.length);
        }
    }

    /**
     * Counts one received message held in a big-endian buffer from its position to its limit;
     * called by the receiving thread only. The buffer's position is not moved.
     *
     * @param message the message
     */
    public void accept(ByteBuffer message) {
        accept(message, message.position(), message.remaining());
    }

    /**
     * Counts one received message held in a big-endian buffer at an absolute index; called by the
     * receiving thread only. The buffer's position is not moved.
     *
     * @param buffer the buffer
     * @param start the index of the message's first byte
     * @param length the message's length
     */
    public void accept(ByteBuffer buffer, int start, int length) {
        if (length < Stamp.LENGTH) {
            acceptShort();
        } else {
            accept(Stamp.round(buffer, start), Stamp.sequence(buffer, start), length);
        }
    }

    private void acceptShort() {
        tally.malformed();
        tally.publish();
    }

    private void clearSeen() {
        if (highestSequence >= 0) {
            Arrays.fill(seen, 0, (int) (highestSequence >>> 6) + 1, 0L);
        }
        highestSequence = -1;
    }

    /**
     * How many messages the receiving thread has looked at so far, of any round; it changes while
     * messages still arrive, which is how the benchmark sees that a stream has gone quiet.
     *
     * @return a count that only grows
     */
    @Override
    public long counted() {
        return tally.counted();
    }

    /**
     * The counts of one round, read once the stream has gone quiet.
     *
     * @param wanted the round asked for
     * @return its counts; all zero if no message of that round has arrived
     */
    @Override
    public Snapshot snapshot(int wanted) {
        return tally.snapshot(wanted);
    }

    /**
     * What a round's receiver counted.
     *
     * @param unique distinct sequence numbers received
     * @param duplicates messages whose sequence number had already been received
     * @param reordered messages that arrived after one with a higher sequence number
     * @param stale messages of an earlier round, ignored
     * @param malformed messages of the wrong size or with an impossible sequence number, ignored
     * @param firstNanos {@link System#nanoTime()} when the first distinct message arrived
     * @param lastNanos {@link System#nanoTime()} when the last distinct message arrived
     */
    public record Snapshot(long unique, long duplicates, long reordered, long stale, long malformed,
                           long firstNanos, long lastNanos) {

        /**
         * Messages received per second, over the span from the first to the last distinct message.
         *
         * @param fallbackNanos the span to use when fewer than two messages arrived
         * @return the rate, 0 when nothing arrived
         */
        public double messagesPerSecond(long fallbackNanos) {
            if (unique >= 2 && lastNanos > firstNanos) {
                return (unique - 1) * 1e9 / (lastNanos - firstNanos); // n messages span n - 1 gaps
            }
            return unique == 0 || fallbackNanos <= 0 ? 0 : unique * 1e9 / fallbackNanos;
        }
    }
}
