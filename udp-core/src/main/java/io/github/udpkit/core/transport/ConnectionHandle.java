package io.github.udpkit.core.transport;

import static com.google.common.base.Preconditions.checkState;

import io.github.udpkit.api.Batch;
import io.github.udpkit.api.Connection;
import io.github.udpkit.api.ConnectionState;
import io.github.udpkit.api.ConnectionStats;
import io.github.udpkit.api.Disconnection;
import io.github.udpkit.api.Send;
import io.github.udpkit.core.transport.Command.Task;
import java.net.InetSocketAddress;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;

/**
 * The handle of one conversation of a {@link DatagramEndpoint} ({@link Connection}): its address
 * follows the session's moves, its state the engine's reports. Its fields are written on the
 * endpoint's I/O thread only; what it does, it asks the endpoint to do there.
 *
 * @param <T> the payload type
 */
final class ConnectionHandle<T> implements Connection<T> {
    private final DatagramEndpoint<T> endpoint;
    volatile InetSocketAddress address;
    volatile ConnectionState state;
    /** How it ended; set before {@link #state} becomes CLOSED. */
    volatile Disconnection end;
    /** Whether a close waits for the engine call under way to return; written on the I/O thread only. */
    volatile boolean closing;
    final CompletableFuture<Disconnection> closeFuture = new CompletableFuture<>();

    ConnectionHandle(DatagramEndpoint<T> endpoint, InetSocketAddress address, ConnectionState state) {
        this.endpoint = endpoint;
        this.address = address;
        this.state = state;
    }

    /** On the I/O thread: the conversation was accepted (its first message, either way). */
    void accepted() {
        if (state == ConnectionState.CONNECTING) {
            state = ConnectionState.OPEN;
            endpoint.connected(this);
        }
    }

    void checkOpen() {
        endpoint.ensureOpen();
        Disconnection ended = end;
        checkState(ended == null, "the connection to %s is closed (%s: %s): connect again for a new conversation",
                address, ended == null ? null : ended.reason(), ended == null ? null : ended.detail());
        checkState(!closing, "the connection to %s is closing", address);
    }

    @Override
    public InetSocketAddress remoteAddress() {
        return address;
    }

    @Override
    public ConnectionState state() {
        return state;
    }

    @Override
    public ConnectionStats stats() {
        checkOpen();
        ConnectionStats stats = endpoint.onIoThread(() -> state == ConnectionState.CLOSED ? null
                : endpoint.engine().connectionStats(address), null, "reading the stats of " + this);
        checkState(stats != null, "the connection to %s is closed: its state is gone", address);
        return stats;
    }

    @Override
    public Send<T> send(T payload) {
        Objects.requireNonNull(payload, "payload");
        checkOpen();
        return endpoint.send(payload, this);
    }

    @Override
    public Batch<T> batch() {
        checkOpen();
        return endpoint.batch(this);
    }

    @Override
    public boolean close(String reason) {
        DatagramEndpoint.checkCloseReason(reason);
        return Boolean.TRUE.equals(endpoint.onIoThread(() -> {
            if (state == ConnectionState.CLOSED || closing) {
                return false;
            }
            if (endpoint.engine().inCallback()) {
                return closeLater(reason);
            }
            return endpoint.engine().disconnect(address, reason, System.nanoTime());
        }, false, "closing " + this));
    }

    /**
     * On the I/O thread, inside an engine call (a handler, a listener), where the engine may
     * not close a conversation: closes it as soon as the call returns, on the loop's next
     * command. What was sent to the peer before is transmitted first; sends after it throw.
     *
     * @return whether this call is the one that closes it
     */
    boolean closeLater(String reason) {
        if (state == ConnectionState.CLOSED || closing) {
            return false;
        }
        closing = true;
        endpoint.enqueue(new Task(() -> {
            if (state != ConnectionState.CLOSED) {
                endpoint.engine().disconnect(address, reason, System.nanoTime());
            }
        }));
        return true;
    }

    @Override
    public CompletableFuture<Disconnection> closed() {
        return closeFuture;
    }

    @Override
    public String toString() {
        return "connection to " + address + " (" + state + ")";
    }
}
