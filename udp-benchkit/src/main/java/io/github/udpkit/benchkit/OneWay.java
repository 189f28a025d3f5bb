package io.github.udpkit.benchkit;

import static com.google.common.base.Preconditions.checkArgument;

import io.github.udpkit.api.Endpoint;
import io.github.udpkit.api.EndpointStats;
import java.io.IOException;
import java.util.Optional;

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
     * The transport the stream's sending side runs on, when it chose one as it opened (a udpkit
     * endpoint's {@code Endpoint.transport()}); empty where the scenario's declared
     * {@link Scenario#transport()} is the whole truth.
     *
     * @return the transport's name, or empty
     */
    default Optional<String> transport() {
        return Optional.empty();
    }

    /**
     * What the sending side has written to its socket since it opened, for streams that count
     * it (udpkit's endpoint statistics): the run takes the difference over the measured rounds,
     * and reports the mean datagram size, which shows how well a protocol packs messages and what
     * datagram size its path MTU discovery reached.
     *
     * @return the counts, or empty where the stream does not know them
     */
    default Optional<DatagramCount> datagramsSent() {
        return Optional.empty();
    }

    /**
     * Datagrams written and their bytes (UDP payload), counted since a stream opened.
     *
     * @param datagrams datagrams written
     * @param bytes their bytes
     * @since 0.1.0
     */
    record DatagramCount(long datagrams, long bytes) {

        /** Checks the counts are not negative. */
        public DatagramCount {
            checkArgument(datagrams >= 0 && bytes >= 0, "counts must not be negative: %s datagrams, %s bytes",
                    datagrams, bytes);
        }

        /**
         * The mean size of the datagrams written since an earlier count.
         *
         * @param earlier a count taken before this one, of the same stream
         * @return bytes per datagram, or NaN if none was written in between
         */
        public double meanBytesSince(DatagramCount earlier) {
            long n = datagrams - earlier.datagrams;
            return n <= 0 ? Double.NaN : (bytes - earlier.bytes) / (double) n;
        }
    }

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

    /**
     * A stream whose messages leave from one udpkit endpoint, which says what transport it runs on
     * and counts what it sent.
     */
    interface FromEndpoint extends OneWay {
        /**
         * The endpoint the stream sends from.
         *
         * @return it
         */
        Endpoint<?> sendingEndpoint();

        @Override
        default Optional<String> transport() {
            return Optional.of(sendingEndpoint().transport());
        }

        @Override
        default Optional<DatagramCount> datagramsSent() {
            EndpointStats stats = sendingEndpoint().stats();
            return Optional.of(new DatagramCount(stats.datagramsSent(), stats.bytesSent()));
        }
    }
}
