package io.github.udpkit.core.transport;

import io.github.udpkit.api.DeliveryMode;
import io.github.udpkit.api.UdpException;
import java.net.InetSocketAddress;
import java.util.Objects;

/**
 * A batch of framed messages on its way to the engine: the caller's one future, the one command
 * that carries every message to the I/O thread, and the completion the engine completes once per
 * message, in one object. Each message's completion returns its permit, as a {@link FramedSend}'s
 * does; the future completes when the last message is settled (and the turn's permits are back),
 * with the first failure if any failed. A batch the engine never got (the endpoint closed first)
 * returns all its permits when it is cancelled.
 */
final class FramedBatch extends EngineCommand {

    /** Hands a batch's messages to the engine; the endpoint, which owns the engine. I/O thread only. */
    interface Submitter {
        void submit(FramedBatch batch, long now);
    }

    private final Submitter submitter;
    private final SendPermits permits;
    private final SendWindows.Window window;
    final InetSocketAddress to;
    /** The conversation it is bound to ({@code Connection.batch}), whose address it goes to, or null. */
    final ConnectionHandle<?> connection;
    /** Every message's bytes, one after the other: message {@code i} ends at {@code ends[i]}. */
    final byte[] payload;
    final int[] ends;
    final DeliveryMode[] modes;
    final byte[] channels;
    final int count;
    /** Messages not settled yet; the batch completes when none is left. I/O thread only, once submitted. */
    private int unsettled;
    /** The first failure among its messages, applied by {@link #completeSettled}; I/O thread only. */
    private Throwable failure;

    FramedBatch(Submitter submitter, SendPermits permits, SendWindows.Window window, InetSocketAddress to,
            ConnectionHandle<?> connection, byte[] payload, int[] ends, DeliveryMode[] modes, byte[] channels,
            int count) {
        this.connection = connection;
        this.submitter = submitter;
        this.permits = permits;
        this.window = window;
        this.to = to;
        this.payload = payload;
        this.ends = ends;
        this.modes = modes;
        this.channels = channels;
        this.count = count;
        this.unsettled = count;
    }

    /** Where message {@code i} starts in {@link #payload}. */
    int start(int i) {
        return i == 0 ? 0 : ends[i - 1];
    }

    @Override
    void submit(long now) {
        submitter.submit(this, now);
    }

    @Override
    public void cancel(UdpException reason) {
        // Never submitted, so the engine will never complete its messages: their permits come back here.
        for (; unsettled > 0; unsettled--) {
            permits.release(window);
        }
        super.completeExceptionally(reason);
    }

    @Override
    public boolean complete(Void value) {
        return settleOne(null) ? !isDone() : super.complete(value);
    }

    @Override
    public boolean completeExceptionally(Throwable cause) {
        Objects.requireNonNull(cause, "cause");
        return settleOne(cause) ? !isDone() : super.completeExceptionally(cause);
    }

    /**
     * On the I/O thread, while messages are unsettled, a completion is the engine's for one of
     * them: its permit is counted, and the last one's schedules the batch's completion for the end
     * of the turn. Elsewhere a caller completes its own future, and the permits stay held until the
     * engine is done.
     *
     * @return whether the completion was the engine's
     */
    private boolean settleOne(Throwable cause) {
        if (unsettled == 0 || !permits.onIoThread()) {
            return false;
        }
        unsettled--;
        permits.release(window);
        if (cause != null && failure == null) {
            failure = cause;
        }
        if (unsettled == 0) {
            permits.settled(this);
        }
        return true;
    }

    @Override
    public void completeSettled() {
        if (failure == null) {
            super.complete(null);
        } else {
            super.completeExceptionally(failure);
        }
    }
}
