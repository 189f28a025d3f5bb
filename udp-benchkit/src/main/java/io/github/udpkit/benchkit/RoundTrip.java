package io.github.udpkit.benchkit;

import static com.google.common.base.Preconditions.checkArgument;

import java.io.IOException;
import java.util.Optional;

/**
 * A request-response pair under test, open and ready: a client that sends a ping and waits for its
 * echo, and an echo server on the other side, each on its own thread.
 *
 * <p>{@link #close()} may be called from another thread to abort a ping that hangs, and more than once.
 *
 * @since 0.1.0
 */
public interface RoundTrip extends AutoCloseable {

    /**
     * Sends one message stamped with the sequence number and waits for the echo that carries it,
     * ignoring late echoes of earlier pings.
     *
     * @param sequence the sequence number of this ping
     * @return {@code true} if the echo came back, {@code false} if the client gave up waiting
     * @throws Exception if the transport fails; the scenario is then reported as failed
     */
    boolean ping(long sequence) throws Exception;

    /**
     * Measures one round: pings one after another, numbered from {@code firstSequence}, until the
     * deadline passes or {@code samples} is full, and writes each round trip's nanoseconds to
     * {@code samples} from index 0. This default calls {@link #ping} on the calling thread and
     * times each call; a pair whose ping-pong runs on threads of its own (an echo client in an I/O
     * thread's handler) overrides it, and the calling thread only waits, boundedly, for the round.
     *
     * @param firstSequence the sequence number of the first ping; later pings count up from it
     * @param deadlineNanos a {@link System#nanoTime()} value after which no new ping starts
     * @param samples where to write the round trips, in nanoseconds
     * @return how many samples were written and how many pings got no echo
     * @throws Exception if the transport fails; the scenario is then reported as failed
     */
    default Tally pingUntil(long firstSequence, long deadlineNanos, long[] samples) throws Exception {
        int n = 0;
        long lost = 0;
        long sequence = firstSequence;
        while (n < samples.length) {
            long t0 = System.nanoTime();
            boolean echoed = ping(sequence++);
            long t1 = System.nanoTime();
            if (echoed) {
                samples[n++] = t1 - t0;
            } else {
                lost++;
            }
            if (t1 - deadlineNanos >= 0) {
                break;
            }
        }
        return new Tally(n, lost);
    }

    /**
     * What one round of pings came to.
     *
     * @param samples how many round trips were measured (written to the samples array)
     * @param lost how many pings got no echo in time
     * @since 0.1.0
     */
    record Tally(int samples, long lost) {

        /** Checks the counts are not negative. */
        public Tally {
            checkArgument(samples >= 0 && lost >= 0, "counts must not be negative: samples %s, lost %s", samples, lost);
        }

        /** How many pings were sent: measured and lost. */
        public long pings() {
            return samples + lost;
        }
    }

    /**
     * The transport the pair's client runs on, when it chose one as it opened (a udpkit
     * endpoint's {@code Endpoint.transport()}); empty where the scenario's declared
     * {@link Scenario#transport()} is the whole truth.
     *
     * @return the transport's name, or empty
     */
    default Optional<String> transport() {
        return Optional.empty();
    }

    /**
     * Releases the pair's sockets and threads.
     *
     * @throws IOException if releasing fails
     */
    @Override
    void close() throws IOException;
}
