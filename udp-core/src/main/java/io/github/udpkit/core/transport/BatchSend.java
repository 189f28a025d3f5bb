package io.github.udpkit.core.transport;

import static com.google.common.base.Preconditions.checkState;

import io.github.udpkit.api.Batch;
import io.github.udpkit.api.CodecException;
import io.github.udpkit.api.DeliveryMode;
import io.github.udpkit.api.Endpoint;
import io.github.udpkit.api.MessageTooLargeException;
import io.github.udpkit.core.Addresses;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;

/**
 * The {@link Batch} an endpoint's {@code batch()} returns: it encodes each message as it is added
 * into one growing array, notes where it ends and its mode and channel, and hands the lot to the
 * endpoint when addressed. The arrays grow by doubling, so a batch of n messages allocates
 * O(log n) times, not per message; the bytes start as large as the endpoint's last batch.
 *
 * @param <T> the payload type
 */
final class BatchSend<T> implements Batch<T> {
    private static final int INITIAL_BYTES = 1024;
    private static final int INITIAL_MESSAGES = 16;

    private final DatagramEndpoint<T> endpoint;
    /** The connection this batch is bound to, or null for a batch addressed by {@code to}. */
    private final ConnectionHandle<T> connection;
    private final EndpointSettings<T> settings;
    /** The most messages a batch holds: a peer's send window. */
    private final int maxMessages;
    /** The most bytes a batch holds: what the engine queues for a peer ({@code maxQueuedBytes}). */
    private final long maxBytes;
    private ByteBuffer bytes;
    private int[] ends = new int[INITIAL_MESSAGES];
    private DeliveryMode[] modes = new DeliveryMode[INITIAL_MESSAGES];
    private byte[] channels = new byte[INITIAL_MESSAGES];
    private int count;
    private DeliveryMode mode;
    private int channel;
    private boolean sent;

    BatchSend(DatagramEndpoint<T> endpoint, ConnectionHandle<T> connection, int maxMessages) {
        this.endpoint = endpoint;
        this.connection = connection;
        this.settings = endpoint.settings();
        this.maxMessages = maxMessages;
        this.maxBytes = Math.min(settings.protocol().maxQueuedBytes(), Integer.MAX_VALUE - 8);
        this.mode = settings.mode();
        // As large as the last batch this endpoint sent: a stream of like batches then allocates
        // one array each, the size it needs, rather than doubling up to it.
        this.bytes = ByteBuffer.allocate(Math.max(INITIAL_BYTES, endpoint.batchBytesHint()));
    }

    @Override
    public Batch<T> mode(DeliveryMode newMode) {
        PendingSend.checkMode(settings, newMode);
        checkState(count == 0 || modes[0].isFramed() == newMode.isFramed(),
                "a batch holds RAW messages or framed ones, not both: it holds %s messages, so not %s",
                modes[0], newMode);
        this.mode = newMode;
        return this;
    }

    @Override
    public Batch<T> channel(int newChannel) {
        PendingSend.checkChannel(settings, newChannel);
        this.channel = newChannel;
        return this;
    }

    @Override
    public Batch<T> add(T value) {
        Objects.requireNonNull(value, "value");
        checkState(!sent, "this batch has been sent: start another with batch()");
        checkState(count < maxMessages, "a batch holds at most %s messages (a peer's send window, maxQueuedMessages)",
                maxMessages);
        int limit = mode.isFramed() ? settings.maxMessageSize()
                : Math.min(settings.maxMessageSize(), Endpoint.MAX_DATAGRAM_PAYLOAD);
        int start = bytes.position();
        int written = settings.codec().encode(value, bytes);
        if (written < 0) {
            checkSize(-written, limit);
            checkState(start + (long) -written <= maxBytes,
                    "a batch holds at most %s bytes (a peer's maxQueuedBytes): %s held, %s more asked for",
                    maxBytes, start, -written);
            grow(-written);
            written = settings.codec().encode(value, bytes);
            if (written < 0) {
                throw new CodecException("codec " + settings.codec() + " asked for " + -written
                        + " bytes after room was made for what it asked for before");
            }
        }
        if (written > limit || bytes.position() > maxBytes) {
            bytes.position(start); // the batch keeps what it held
        }
        checkSize(written, limit);
        checkState(start + (long) written <= maxBytes,
                "a batch holds at most %s bytes (a peer's maxQueuedBytes): %s held, %s more asked for",
                maxBytes, start, written);
        if (count == ends.length) {
            int n = 2 * count;
            ends = Arrays.copyOf(ends, n);
            modes = Arrays.copyOf(modes, n);
            channels = Arrays.copyOf(channels, n);
        }
        ends[count] = bytes.position();
        modes[count] = mode;
        channels[count] = (byte) channel;
        count++;
        return this;
    }

    private void checkSize(int size, int limit) {
        if (size > limit) {
            endpoint.countOversized();
            throw new MessageTooLargeException("message of " + size + " bytes exceeds the limit of " + limit
                    + " bytes" + (mode.isFramed() ? "" : " (RAW sends one datagram)"));
        }
    }

    /** Makes room for {@code needed} more bytes: at least double, so that a batch grows O(log n) times. */
    private void grow(int needed) {
        int capacity = Math.max(2 * bytes.capacity(), bytes.position() + needed);
        ByteBuffer larger = ByteBuffer.allocate(capacity);
        bytes.flip();
        larger.put(bytes);
        bytes = larger;
    }

    @Override
    public Batch<T> addAll(Iterable<? extends T> values) {
        Objects.requireNonNull(values, "values");
        for (T value : values) {
            add(value);
        }
        return this;
    }

    @Override
    public int size() {
        return count;
    }

    @Override
    public CompletableFuture<Void> to(String host, int port) {
        return to(Addresses.resolve(host, Addresses.checkPeerPort(port)));
    }

    @Override
    public CompletableFuture<Void> to(InetSocketAddress address) {
        checkState(connection == null, "a batch on %s goes to its peer, wherever it is: call toPeer(), not to(%s)",
                connection, address);
        return send(Addresses.forSending(Addresses.checkPeer(address), endpoint.localAddress()));
    }

    @Override
    public CompletableFuture<Void> toPeer() {
        if (connection != null) {
            connection.checkOpen();
            return send(connection.address);
        }
        return send(endpoint.defaultPeer());
    }

    private CompletableFuture<Void> send(InetSocketAddress to) {
        checkState(!sent, "this batch has been sent: start another with batch()");
        for (int i = 0; i < count; i++) {
            if (modes[i].isReliable() && Addresses.isGroup(to.getAddress())) {
                throw new IllegalArgumentException(modes[i] + " delivery to " + to.getAddress().getHostAddress()
                        + " is not possible: it is a multicast or broadcast address, and reliable delivery needs"
                        + " one peer to acknowledge; send RAW, UNRELIABLE or SEQUENCED to a group");
            }
        }
        if (count == 0) {
            endpoint.ensureOpen();
            sent = true;
            return CompletableFuture.completedFuture(null);
        }
        // The engine keeps slices of the array until they are acknowledged: this batch never writes
        // it again. A framed batch refused for back-pressure took nothing, and may be sent again.
        endpoint.batchBytesHint(bytes.position());
        CompletableFuture<Void> future = endpoint.dispatchBatch(bytes.array(), ends, modes, channels, count, to,
                connection);
        sent = true;
        return future;
    }
}
