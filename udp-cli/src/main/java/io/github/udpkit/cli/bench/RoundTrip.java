package io.github.udpkit.cli.bench;

import java.io.IOException;

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
     * Releases the pair's sockets and threads.
     *
     * @throws IOException if releasing fails
     */
    @Override
    void close() throws IOException;
}
