package io.github.udpkit.benchkit;

import java.io.IOException;

/**
 * A one-way stream under test, open and ready: the benchmark's thread sends through it, and its
 * receiving side feeds the {@link SequenceCounter} it was opened with.
 *
 * <p>{@link #close()} may be called from another thread to abort a send that hangs, and more than once.
 *
 * @since 0.1.0
 */
public interface OneWay extends AutoCloseable {

    /**
     * Sends messages stamped with the round and sequence numbers 0, 1, 2, ... until the deadline
     * passes or the limit is reached.
     *
     * @param round the round number to stamp
     * @param deadlineNanos a {@link System#nanoTime()} value after which to stop
     * @param maxMessages the most messages to send
     * @return how many messages were sent
     * @throws Exception if the stream fails; the scenario is then reported as failed
     */
    long sendUntil(int round, long deadlineNanos, long maxMessages) throws Exception;

    /**
     * Releases the stream's sockets and threads.
     *
     * @throws IOException if releasing fails
     */
    @Override
    void close() throws IOException;

    /**
     * A sender of one message at a time, for the transports whose natural send is a call per message.
     */
    @FunctionalInterface
    interface MessageSender {

        /**
         * Sends one message; it may reuse {@code message} once this returns.
         *
         * @param message the stamped message
         * @throws Exception if the send fails
         */
        void send(byte[] message) throws Exception;
    }

    /**
     * The send loop of the transports that send one message per call: stamps and sends a reused
     * message, looking at the clock every 16 messages.
     *
     * @param sender the per-message send
     * @param payloadBytes the size of every message
     * @param round the round number to stamp
     * @param deadlineNanos when to stop
     * @param maxMessages the most messages to send
     * @return how many messages were sent
     * @throws Exception if a send fails
     */
    static long sendEach(MessageSender sender, int payloadBytes, int round, long deadlineNanos, long maxMessages)
            throws Exception {
        byte[] message = new byte[payloadBytes];
        return sendSequence(sequence -> {
            Stamp.put(message, round, sequence);
            sender.send(message);
            return true;
        }, deadlineNanos, maxMessages);
    }

    /**
     * A sender of the message with a given sequence number, which stamps it in its own buffer.
     */
    @FunctionalInterface
    interface SequenceSender {

        /**
         * Stamps and sends the message with this sequence number.
         *
         * @param sequence the sequence number, from 0 up
         * @return whether it was sent; {@code false} stops the loop (the stream closed, or could not
         *     take the message before the deadline)
         * @throws Exception if the send fails
         */
        boolean send(long sequence) throws Exception;
    }

    /**
     * The send loop every one-way stream shares: sequence numbers 0, 1, 2, ... until the limit, a
     * refused send, or the deadline, which it looks at every 16 messages so that reading the clock
     * costs the fastest transports nothing they would notice.
     *
     * @param sender stamps and sends one message
     * @param deadlineNanos when to stop
     * @param maxMessages the most messages to send
     * @return how many messages were sent
     * @throws Exception if a send fails
     */
    static long sendSequence(SequenceSender sender, long deadlineNanos, long maxMessages) throws Exception {
        long sequence = 0;
        while (sequence < maxMessages && sender.send(sequence)) {
            sequence++;
            if ((sequence & 15) == 0 && System.nanoTime() - deadlineNanos >= 0) {
                break;
            }
        }
        return sequence;
    }
}
