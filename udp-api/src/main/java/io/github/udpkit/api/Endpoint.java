package io.github.udpkit.api;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * A bound UDP socket that sends and receives messages of one type, in one default
 * {@link DeliveryMode}. Open one with {@code Udp.endpoint(codec)...open()} from {@code udp-core}.
 *
 * <pre>{@code
 * try (Endpoint<String> ep = Udp.endpoint(Codecs.utf8()).bind(0).open()) {
 *     ep.send("hello").to("localhost", 12000);
 *     Message<String> reply = ep.receive(Duration.ofSeconds(2));
 * }
 * }</pre>
 *
 * <p>Endpoints are thread-safe: any thread may send, receive and close. Received messages go to
 * the {@link #onMessage handler} if one is set, else to a bounded queue read by {@link #receive}
 * and {@link #poll}.
 *
 * @param <T> the payload type
 * @since 0.1.0
 */
public interface Endpoint<T> extends AutoCloseable {

    /**
     * The largest UDP payload, 65,507 bytes: 65,535 less the IPv4 and UDP headers (IPv6 allows 20
     * bytes more, which udpkit does not use, so that one limit holds on every path). A RAW message
     * and an unframed datagram are one datagram, so at most this; no framed datagram is larger.
     */
    int MAX_DATAGRAM_PAYLOAD = 65_507;

    /**
     * The address the endpoint is bound to, with the port the system chose when bound to port 0.
     *
     * @return the local address
     */
    InetSocketAddress localAddress();

    /**
     * The I/O transport this endpoint's socket runs on, for logs and benchmark reports:
     * {@code "jdk"} for the JDK's {@code DatagramChannel}, one datagram a system call. Other
     * transports name themselves (a batched one lists what it uses, such as GSO and GRO).
     *
     * @return the transport's name, never empty
     */
    default String transport() {
        return "jdk";
    }

    /**
     * The peer this endpoint was opened with, that {@link Send#toPeer()} sends to.
     *
     * @return the connected peer, or empty
     */
    Optional<InetSocketAddress> peer();

    /**
     * The mode a send uses unless it says otherwise.
     *
     * @return the default delivery mode
     */
    DeliveryMode mode();

    /**
     * Starts a send; address it with one of {@link Send}'s {@code to} methods.
     *
     * @param payload the value to send, not {@code null}
     * @return the pending send
     * @throws NullPointerException if payload is null
     * @throws EndpointClosedException if the endpoint is closed
     */
    Send<T> send(T payload);

    /**
     * Starts a batch: many messages to one peer, encoded into one array and sent in one call with
     * one future, the cheap way to send many small messages; see {@link Batch}.
     *
     * @return an empty batch in the endpoint's default mode, on channel 0
     * @throws EndpointClosedException if the endpoint is closed
     * @since 0.1.0
     */
    Batch<T> batch();

    /**
     * Sends bytes as one datagram exactly as they are, from the endpoint's socket, whatever its
     * mode: no codec, no frame, no acknowledgement. For answering what an
     * {@link UnframedHandler} received (a plain-text client, a discovery probe) from the port it
     * was sent to.
     *
     * @param datagram the datagram's bytes, at most {@value #MAX_DATAGRAM_PAYLOAD}
     * @param to the destination
     * @return a future completed once the datagram is handed to the socket, or failed with a
     *     {@link UdpIoException}
     * @throws IllegalArgumentException if the datagram is too large or the address unresolved
     * @throws EndpointClosedException if the endpoint is closed
     */
    CompletableFuture<Void> sendUnframed(byte[] datagram, InetSocketAddress to);

    /**
     * Joins a multicast group on the endpoint's multicast interface, so that datagrams sent to
     * the group and the endpoint's port are received. Joining a group already joined does nothing.
     *
     * @param group an IPv4 or IPv6 multicast address of the socket's address family
     * @throws IllegalArgumentException if the address is not a multicast address, or of the other family
     * @throws UdpIoException if the system refuses to join
     * @throws EndpointClosedException if the endpoint is closed
     */
    void joinGroup(InetAddress group);

    /**
     * Leaves a multicast group joined before; datagrams sent to it stop arriving. Leaving a group
     * not joined does nothing.
     *
     * @param group the multicast address
     */
    void leaveGroup(InetAddress group);

    /**
     * The multicast groups the endpoint has joined.
     *
     * @return the groups, in the order they were joined
     */
    Set<InetAddress> groups();

    /**
     * Waits for the next message.
     *
     * @param timeout how long to wait at most; zero or negative means do not wait
     * @return the message
     * @throws ReceiveTimeoutException if none arrived in time
     * @throws EndpointClosedException if the endpoint is closed, or closes while waiting, with no
     *     message left in the queue
     * @throws IllegalStateException if a handler is set: messages go to it instead
     */
    Message<T> receive(Duration timeout);

    /**
     * Takes the next message if one is waiting.
     *
     * @return the message, or empty
     * @throws IllegalStateException if a handler is set: messages go to it instead
     */
    Optional<Message<T>> poll();

    /**
     * Sends every message from now on to a handler, on the I/O thread, instead of the receive queue.
     * Messages already queued are handed to it first, in order.
     *
     * @param handler the handler
     * @return this
     */
    Endpoint<T> onMessage(MessageHandler<T> handler);

    /**
     * A snapshot of the endpoint's counters.
     *
     * @return the stats
     */
    EndpointStats stats();

    /**
     * Closes the conversation with one peer and tells it why: the peer's pending sends fail with
     * a {@link DeliveryException} carrying {@code reason}, and its listener hears it. Sends of
     * this endpoint to the peer still pending fail with an {@link EndpointClosedException}. A RAW
     * endpoint keeps no conversations.
     *
     * @param peer the peer
     * @param reason why, at most 200 bytes of UTF-8
     * @return whether there was a conversation with the peer
     * @throws IllegalArgumentException if the reason is longer than 200 bytes of UTF-8
     * @since 0.1.0
     */
    default boolean disconnect(InetSocketAddress peer, String reason) {
        return false;
    }

    /**
     * Opens a conversation with a peer by sending it a first message, {@link DeliveryMode#RELIABLE}
     * whatever the endpoint's mode, which the peer's application accepts or refuses
     * ({@link EndpointListener#onConnectRequest}). If a conversation with the peer already exists,
     * the message goes on it and the future completes with its handle once acknowledged.
     *
     * @param peer the peer's address
     * @param firstMessage the message the peer decides on (a greeting, a token, a version)
     * @return a future completed with the {@link ConnectionState#OPEN open} connection once the peer
     *     acknowledged the message; failed with a {@link ConnectionRefusedException} carrying the
     *     peer's reason if it refused, or as a reliable send fails ({@link DeliveryException}, ...)
     * @throws IllegalArgumentException if the address is unresolved or a multicast group
     * @throws IllegalStateException if the endpoint is RAW: it keeps no conversations
     * @throws EndpointClosedException if the endpoint is closed
     * @since 0.1.0
     */
    default CompletableFuture<Connection<T>> connect(InetSocketAddress peer, T firstMessage) {
        throw new IllegalStateException("endpoint " + localAddress() + " keeps no conversations");
    }

    /**
     * The conversations a framed endpoint holds, one handle per peer: its address, state and
     * {@link Connection#stats() statistics}. Empty for a RAW endpoint, which keeps no conversations.
     *
     * @return the open and connecting conversations, in no particular order
     * @since 0.1.0
     */
    default List<Connection<T>> connections() {
        return List.of();
    }

    /**
     * The conversation with the peer now at an address.
     *
     * @param peer the peer's current address
     * @return its handle, or empty if there is none
     * @since 0.1.0
     */
    default Optional<Connection<T>> connection(InetSocketAddress peer) {
        return Optional.empty();
    }

    /**
     * Whether the endpoint is open.
     *
     * @return {@code false} once {@link #close()} has been called
     */
    boolean isOpen();

    /**
     * Closes the endpoint and releases its port before returning. Reliable sends still
     * unacknowledged fail with {@link EndpointClosedException}; a thread blocked in
     * {@link #receive} wakes with it. Calling it again does nothing.
     */
    @Override
    void close();
}
