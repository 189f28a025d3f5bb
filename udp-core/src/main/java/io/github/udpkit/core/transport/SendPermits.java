package io.github.udpkit.core.transport;

import io.github.udpkit.api.BackPressureException;
import io.github.udpkit.api.EndpointClosedException;
import io.github.udpkit.api.UdpException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * The send-permit policy of an endpoint's framed sends: a caller takes permits of its peer's
 * {@linkplain SendWindows window} before its send is queued (waiting up to the send timeout, or
 * failing at once with fail-fast or on the I/O thread), and the I/O thread gives them back when
 * the engine settles the sends, completing those sends only after their permits are back, so a
 * caller who sees its send complete finds its room.
 */
final class SendPermits {

    /** A send the engine settled on the I/O thread, completed once the turn's permits are back. */
    interface Settled {
        /** On the I/O thread, after the permits of the turn went back: completes the caller's future. */
        void completeSettled();
    }

    private final SendWindows windows;
    private final Thread ioThread;
    private final boolean failFast;
    private final Duration sendTimeout;
    private final long sendTimeoutNanos;
    private final BooleanSupplier closed;
    private final Supplier<EndpointClosedException> closedException;
    /** Sends the engine settled this turn, completed once their permits are back. I/O thread only. */
    private ArrayList<Settled> settled = new ArrayList<>();
    private ArrayList<Settled> spareSettled = new ArrayList<>();

    SendPermits(SendWindows windows, Thread ioThread, boolean failFast, Duration sendTimeout, long sendTimeoutNanos,
            BooleanSupplier closed, Supplier<EndpointClosedException> closedException) {
        this.windows = windows;
        this.ioThread = ioThread;
        this.failFast = failFast;
        this.sendTimeout = sendTimeout;
        this.sendTimeoutNanos = sendTimeoutNanos;
        this.closed = closed;
        this.closedException = closedException;
    }

    /** The permits of each peer's window: the most messages a sender may have outstanding to one peer. */
    int perPeer() {
        return windows.permitsPerPeer();
    }

    boolean onIoThread() {
        return Thread.currentThread() == ioThread;
    }

    /**
     * Takes {@code count} permits of the window to {@code to}, all or none.
     *
     * @return the window, to return the permits to
     * @throws BackPressureException if the window stays full (at once with fail-fast or on the I/O thread)
     * @throws EndpointClosedException if the endpoint closed while the caller waited
     */
    SendWindows.Window acquire(InetSocketAddress to, int count) {
        SendWindows.Window window = windows.windowOf(to);
        Semaphore permits = window.permits;
        if (permits.tryAcquire(count)) {
            return window;
        }
        boolean onIoThread = onIoThread();
        if (onIoThread) {
            returnEarned(); // what this turn of the loop earned is room too
            if (permits.tryAcquire(count)) {
                return window;
            }
        }
        String what = count == 1 ? "" : " for " + count + " messages";
        if (onIoThread || failFast) {
            throw new BackPressureException("send window to " + to + " is full" + what + ": " + perPeer()
                    + " messages queued or unacknowledged" + (onIoThread ? " (a send on the I/O thread never waits)" : ""));
        }
        try {
            if (!permits.tryAcquire(count, sendTimeoutNanos, TimeUnit.NANOSECONDS)) {
                throw new BackPressureException("send window to " + to + " stayed full" + what + " for "
                        + sendTimeout.toMillis() + " ms: " + perPeer() + " messages queued or unacknowledged");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new UdpException("interrupted while waiting for room in the send window to " + to, e);
        }
        if (closed.getAsBoolean()) {
            permits.release(count);
            throw closedException.get();
        }
        return window;
    }

    /** Returns one settled send's permit, a turn's worth at once on the I/O thread (see {@link SendWindows#returnPermit}). */
    void release(SendWindows.Window window) {
        windows.returnPermit(window, onIoThread());
    }

    /** On the I/O thread: a send whose permit was returned by {@link #release}, to complete at the end of the turn. */
    void settled(Settled send) {
        settled.add(send);
    }

    /**
     * On the I/O thread: returns the permits earned since the last call, then completes the sends
     * that earned them, so that a caller who sees its send complete finds its room.
     */
    void returnEarned() {
        windows.returnEarned();
        if (settled.isEmpty()) {
            return;
        }
        // Completing runs callers' callbacks, which may send and so come back here: take the list first.
        ArrayList<Settled> done = settled;
        settled = spareSettled;
        spareSettled = done;
        for (int i = 0; i < done.size(); i++) {
            done.get(i).completeSettled();
        }
        done.clear();
    }

    /** On the I/O thread: see {@link SendWindows#migrated}. */
    void migrated(InetSocketAddress from, InetSocketAddress to) {
        windows.migrated(from, to);
    }

    /** On the I/O thread: see {@link SendWindows#disconnected}. */
    void disconnected(InetSocketAddress peer) {
        windows.disconnected(peer);
    }
}
