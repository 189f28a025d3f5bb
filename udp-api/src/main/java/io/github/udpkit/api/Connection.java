package io.github.udpkit.api;

import java.net.InetSocketAddress;
import java.util.concurrent.CompletableFuture;

/**
 * A conversation of a framed endpoint with one peer: a session, not an address. The handle stays
 * the same when the peer's address changes ({@link EndpointListener#onMigrated}), and
 * {@link #remoteAddress()} follows it. Get one from {@link Endpoint#connect}, from
 * {@link Endpoint#connections()}, or from a listener's {@link EndpointListener#onConnected}.
 *
 * <pre>{@code
 * Connection<String> c = client.connect(server, "hello, token 42").get(5, SECONDS);
 * c.send("update").channel(3).toPeer();
 * c.close("bye");
 * }</pre>
 *
 * <p>Handles are thread-safe. A conversation that ends and starts again with the same peer gets a
 * new handle; the old one stays {@link ConnectionState#CLOSED}.
 *
 * @param <T> the payload type
 * @since 0.1.0
 */
public interface Connection<T> {

    /**
     * The peer's address now: the last one it proved it receives at.
     *
     * @return the address
     */
    InetSocketAddress remoteAddress();

    /**
     * Where the connection is in its life.
     *
     * @return the state
     */
    ConnectionState state();

    /**
     * A snapshot of the conversation's round trip, loss, windows and traffic.
     *
     * @return the stats
     * @throws IllegalStateException if the connection is closed: its state is gone
     */
    ConnectionStats stats();

    /**
     * Starts a send to this peer, wherever it is when the message leaves: choose a mode and a
     * channel as for {@link Endpoint#send}, then call {@link Send#toPeer()}. The other
     * {@code to} methods throw: the destination is the connection's.
     *
     * @param payload the value to send, not {@code null}
     * @return the pending send
     * @throws IllegalStateException if the connection is closed
     * @throws EndpointClosedException if the endpoint is closed
     */
    Send<T> send(T payload);

    /**
     * Starts a batch on this conversation: many messages in one call with one future, as
     * {@link Endpoint#batch()}, sent with {@link Batch#toPeer()} to wherever the peer is when the
     * batch reaches the I/O thread. The other {@code to} methods throw.
     *
     * @return an empty batch in the endpoint's default mode, on channel 0
     * @throws IllegalStateException if the connection is closed
     * @throws EndpointClosedException if the endpoint is closed
     * @since 0.1.0
     */
    Batch<T> batch();

    /**
     * Closes the conversation and tells the peer why, as {@link Endpoint#disconnect} does: the
     * peer's listener and its failed sends carry {@code reason}; this connection's pending sends
     * fail with an {@link EndpointClosedException}. Closing a closed connection does nothing.
     *
     * @param reason why, at most 200 bytes of UTF-8
     * @return whether this call closed it
     * @throws IllegalArgumentException if the reason is longer than 200 bytes of UTF-8
     */
    boolean close(String reason);

    /**
     * A future completed once the connection is closed, by either side, by a timeout or with the
     * endpoint, with why. It never completes exceptionally. It is completed on the endpoint's I/O
     * thread, where actions chained to it without an executor run: they must not block.
     *
     * @return the future of the close
     */
    CompletableFuture<Disconnection> closed();
}
