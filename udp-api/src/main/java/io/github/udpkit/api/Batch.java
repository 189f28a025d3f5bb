package io.github.udpkit.api;

import java.net.InetSocketAddress;
import java.util.concurrent.CompletableFuture;

/**
 * Many messages to one peer sent in one call, with one future for them all:
 * {@code endpoint.batch().mode(RELIABLE).addAll(values).to(peer)}. Where {@link Send} costs a
 * command, a future and an array per message, a batch encodes its messages as they are added into
 * one array it owns (through {@link Codec#encode(Object, java.nio.ByteBuffer)}, so a built-in codec
 * needs no array of its own), and hands them all to the endpoint at once: framed messages to its
 * I/O thread in one command, RAW ones to the socket in one turn.
 *
 * <p>Each message is sent in the mode and on the channel set when it was added ({@link #mode} and
 * {@link #channel} apply to the messages added after them), and messages of one channel and mode
 * are sent, and in {@link DeliveryMode#RELIABLE} delivered, in the order they were added. A batch
 * holds either RAW messages or framed ones, not both.
 *
 * <p>Bounded: a batch holds at most as many messages as a peer's send window
 * ({@code EngineConfig.maxQueuedMessages}) and as many bytes as the engine queues for a peer
 * ({@code maxQueuedBytes}), the same bounds for RAW, and an {@link #add} beyond them throws. Back-pressure is taken for the whole batch at once: a framed batch takes one permit of the
 * peer's send window per message, all or none, waiting up to the endpoint's send timeout (or failing
 * at once with fail-fast) with a {@link BackPressureException}, as a single send does.
 *
 * <p>Caller mistakes throw at once: an oversized or unencodable value from {@link #add} (the batch
 * keeps what it held before), a bad mode or channel, a second {@code to}. The future completes when
 * every message is settled, as a single send's would be (acknowledged in the reliable modes,
 * written otherwise), and fails with the first failure when any failed, once all are settled; when
 * the endpoint closes before the batch went out, the whole batch fails with an
 * {@link EndpointClosedException}. A batch is not thread-safe: fill and send it on one thread.
 *
 * @param <T> the payload type
 * @since 0.1.0
 */
public interface Batch<T> {

    /**
     * Sends the messages added after this call in another mode than the endpoint's default.
     *
     * @param mode the mode
     * @return this
     * @throws IllegalArgumentException for a framed mode on a RAW endpoint
     * @throws IllegalStateException for RAW in a batch of framed messages, or the reverse
     */
    Batch<T> mode(DeliveryMode mode);

    /**
     * Sends the messages added after this call on another channel (a framed mode only).
     *
     * @param channel 0..255
     * @return this
     * @throws IllegalArgumentException for a channel outside 0..255, or any but 0 from a RAW endpoint
     */
    Batch<T> channel(int channel);

    /**
     * Encodes a message into the batch, in the current mode and channel.
     *
     * @param value the message, not {@code null}
     * @return this
     * @throws MessageTooLargeException if its encoding exceeds the endpoint's limit for its mode
     * @throws CodecException if it cannot be encoded
     * @throws IllegalStateException if the batch is full or already sent
     */
    Batch<T> add(T value);

    /**
     * Adds every value in order, as {@link #add} does each.
     *
     * @param values the messages, none {@code null}
     * @return this
     */
    Batch<T> addAll(Iterable<? extends T> values);

    /**
     * The number of messages added.
     *
     * @return the size
     */
    int size();

    /**
     * Sends every message to a host and port; the host is resolved now.
     *
     * @param host a host name or address literal
     * @param port the port, 1 to 65535
     * @return the future of the whole batch
     * @throws IllegalArgumentException if the port is out of range or the host cannot be resolved
     */
    CompletableFuture<Void> to(String host, int port);

    /**
     * Sends every message to an address.
     *
     * @param address a resolved address
     * @return the future of the whole batch
     * @throws IllegalArgumentException if the address is unresolved, or a reliable mode is sent to a group
     * @throws BackPressureException if the peer's send window stays full
     */
    CompletableFuture<Void> to(InetSocketAddress address);

    /**
     * Sends every message to the endpoint's connected peer.
     *
     * @return the future of the whole batch
     * @throws IllegalStateException if the endpoint was not opened with a peer
     */
    CompletableFuture<Void> toPeer();
}
