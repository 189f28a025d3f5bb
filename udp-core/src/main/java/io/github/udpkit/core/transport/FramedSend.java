package io.github.udpkit.core.transport;

import io.github.udpkit.api.DeliveryMode;
import io.github.udpkit.api.UdpException;
import java.net.InetSocketAddress;
import java.util.Objects;

/**
 * A framed send: the future its caller holds, the completion the engine completes and the
 * command that carries it to the I/O thread, in one object, so a send allocates nothing else in
 * the driver. Its permit goes back when the engine is done with the message: the engine completes
 * its futures on the I/O thread only, so a completion there returns the permit (once: a plain flag
 * only that thread writes), and a caller who completes or cancels the future from its own thread
 * leaves the permit held until the engine is done, so the window counts what the engine really
 * holds. A send the engine never got (the endpoint closed first) returns its permit when it is
 * cancelled.
 */
final class FramedSend extends EngineCommand {

    /** Hands a framed send to the engine; the endpoint, which owns the engine. I/O thread only. */
    interface Submitter {
        void submit(FramedSend send, long now);
    }

    private final Submitter submitter;
    private final SendPermits permits;
    private final SendWindows.Window window;
    final InetSocketAddress to;
    final int channel;
    final DeliveryMode mode;
    final byte[] bytes;
    /** The conversation it is bound to ({@code Connection.send}), whose address it goes to, or null. */
    final ConnectionHandle<?> connection;
    /** Whether it opens a conversation for {@code DatagramEndpoint.connect}. */
    final boolean connecting;
    /** For {@link #connecting}: the handle of the conversation it went on, once submitted. */
    volatile ConnectionHandle<?> opened;
    private boolean settled;
    /** How the engine settled it, applied by {@link #completeSettled}; I/O thread only. */
    private Throwable settledFailure;

    FramedSend(Submitter submitter, SendPermits permits, SendWindows.Window window, InetSocketAddress to,
            int channel, DeliveryMode mode, byte[] bytes, ConnectionHandle<?> connection, boolean connecting) {
        this.submitter = submitter;
        this.permits = permits;
        this.window = window;
        this.to = to;
        this.channel = channel;
        this.mode = mode;
        this.bytes = bytes;
        this.connection = connection;
        this.connecting = connecting;
    }

    @Override
    void submit(long now) {
        submitter.submit(this, now);
    }

    @Override
    public void cancel(UdpException reason) {
        // Never submitted, so the engine will never complete it: its permit comes back here,
        // which also wakes a sender waiting for room to find the endpoint closed.
        if (!settled) {
            settled = true;
            permits.release(window);
        }
        super.completeExceptionally(reason);
    }

    @Override
    public boolean complete(Void value) {
        return settle(null) ? !isDone() : super.complete(value);
    }

    @Override
    public boolean completeExceptionally(Throwable failure) {
        Objects.requireNonNull(failure, "failure");
        return settle(failure) ? !isDone() : super.completeExceptionally(failure);
    }

    /**
     * On the I/O thread, the first completion is the engine's: the permit is counted and the
     * completion waits for the end of the turn (see {@link SendPermits#returnEarned}). Elsewhere a
     * caller completes its own future, and the permit stays held until the engine is done.
     *
     * @return whether the completion was deferred
     */
    private boolean settle(Throwable failure) {
        if (settled || !permits.onIoThread()) {
            return false;
        }
        settled = true;
        settledFailure = failure;
        permits.release(window);
        permits.settled(this);
        return true;
    }

    @Override
    public void completeSettled() {
        if (settledFailure == null) {
            super.complete(null);
        } else {
            super.completeExceptionally(settledFailure);
        }
    }
}
