package io.github.udpkit.core.dtls;

/**
 * What DTLS counts on one endpoint, for a {@link DtlsHost} (RAW) and a {@link DtlsLayer} (the
 * framed modes' engine) alike: sessions, handshakes, cookies, refusals and dropped records. Written
 * by the thread that owns the host or layer; every figure is readable from any thread.
 *
 * @since 0.1.0
 */
public abstract sealed class DtlsStats permits DtlsHost, DtlsLayer {
    /** The counters this host or layer and its sessions write. */
    final DtlsCounters counters = new DtlsCounters();

    DtlsStats() {
    }

    /** @return sessions kept now, handshaking or established */
    public int sessions() {
        return (int) counters.sessions.get();
    }

    /** @return handshakes under way now */
    public int handshaking() {
        return (int) counters.handshaking.get();
    }

    /** @return HelloVerifyRequests sent */
    public long cookiesSent() {
        return counters.cookiesSent.get();
    }

    /** @return handshakes started */
    public long handshakesStarted() {
        return counters.handshakesStarted.get();
    }

    /** @return handshakes completed */
    public long handshakesCompleted() {
        return counters.handshakesCompleted.get();
    }

    /** @return handshakes failed or timed out */
    public long handshakesFailed() {
        return counters.handshakesFailed.get();
    }

    /** @return ClientHellos refused: over a limit or rate, or of an old version */
    public long refused() {
        return counters.refused.get();
    }

    /** @return datagrams and records that were no part of a handshake or session: dropped unanswered */
    public long unexpected() {
        return counters.unexpected.get();
    }

    /** @return handshake datagrams retransmitted */
    public long retransmissions() {
        return counters.retransmissions.get();
    }

    /** @return application records dropped as replays */
    public long replaysDropped() {
        return counters.replaysDropped.get();
    }

    /** @return application records that failed authentication */
    public long authFailures() {
        return counters.authFailures.get();
    }

    /** @return the mean time of completed handshakes in nanoseconds, or 0 before the first */
    public long meanHandshakeNanos() {
        long n = counters.handshakesCompleted.get();
        return n == 0 ? 0 : counters.handshakeNanosTotal.get() / n;
    }
}
