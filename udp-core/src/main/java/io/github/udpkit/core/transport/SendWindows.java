package io.github.udpkit.core.transport;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;

/**
 * An endpoint's send windows, one per peer, so that a sender waits for its own peer's
 * acknowledgements only: a permit per framed message queued or unacknowledged. Senders take
 * permits on their own threads; the I/O thread earns them back and returns a turn's worth at once.
 */
final class SendWindows {

    /** A peer's send window: one permit per framed message queued or unacknowledged. */
    static final class Window {
        final Semaphore permits;
        /** Permits of completed sends not yet returned to {@link #permits}. I/O thread only. */
        int earned;

        Window(int size) {
            this.permits = new Semaphore(size);
        }
    }

    private final ConcurrentHashMap<InetSocketAddress, Window> windows = new ConcurrentHashMap<>();
    /** Windows with permits earned on the I/O thread and not yet returned. I/O thread only. */
    private final ArrayList<Window> toReturn = new ArrayList<>();
    private final int permitsPerPeer;
    /** Past twice this many windows, a new one first drops those with nothing outstanding. */
    private final int maxPeers;

    SendWindows(int permitsPerPeer, int maxPeers) {
        this.permitsPerPeer = permitsPerPeer;
        this.maxPeers = maxPeers;
    }

    /** The permits of each peer's window. */
    int permitsPerPeer() {
        return permitsPerPeer;
    }

    /** Any thread: the peer's window, made if it has none; idle windows go first when there are too many. */
    Window windowOf(InetSocketAddress to) {
        Window window = windows.get(to);
        if (window == null) {
            if (windows.size() > 2 * maxPeers) {
                windows.values().removeIf(w -> w.permits.availablePermits() >= permitsPerPeer);
            }
            window = windows.computeIfAbsent(to, k -> new Window(permitsPerPeer));
        }
        return window;
    }

    /**
     * Returns a settled send's permit. Off the I/O thread at once; on it, the permit is counted
     * and {@link #returnEarned} returns the turn's permits in one release per window: the
     * senders take permits one by one from the same semaphore, and a release per message would
     * pull its cache line across cores twice per message, while an acknowledgement completes
     * dozens at a time.
     */
    void returnPermit(Window window, boolean onIoThread) {
        if (onIoThread) {
            if (window.earned++ == 0) {
                toReturn.add(window);
            }
        } else {
            window.permits.release();
        }
    }

    /** On the I/O thread: returns the permits earned since the last call. */
    void returnEarned() {
        for (int i = 0; i < toReturn.size(); i++) {
            Window window = toReturn.get(i);
            int n = window.earned;
            window.earned = 0;
            window.permits.release(n);
        }
        toReturn.clear();
    }

    /**
     * On the I/O thread: sends to the new address draw on the same window; the permits of sends
     * in flight to the old one are returned through their own entries, as before.
     */
    void migrated(InetSocketAddress from, InetSocketAddress to) {
        Window window = windows.get(from);
        if (window != null && windows.putIfAbsent(to, window) == null) {
            windows.remove(from, window);
        }
    }

    /**
     * On the I/O thread: the engine has failed the peer's sends, so their permits are back once
     * returned; the window goes when nothing is outstanding.
     */
    void disconnected(InetSocketAddress peer) {
        Window window = windows.get(peer);
        if (window != null) {
            window.permits.release(window.earned);
            window.earned = 0; // the list entry, if any, now returns nothing
            if (window.permits.availablePermits() >= permitsPerPeer) {
                windows.remove(peer, window);
            }
        }
    }
}
