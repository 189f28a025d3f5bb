package io.github.udpkit.api;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Objects;

/**
 * An immutable snapshot of one conversation of a framed endpoint, taken by
 * {@link Connection#stats()}: where the peer is, the path's round trip and loss, the sender's
 * windows, and the traffic each way.
 *
 * @param remote the peer's address (the one it last proved, after a migration)
 * @param smoothedRtt the smoothed round-trip time (RFC 9002), {@link Duration#ZERO} before a sample
 * @param rttVariation its mean deviation, {@link Duration#ZERO} before a sample
 * @param lossRate the fraction of this side's ack-eliciting datagrams declared lost so far, 0 to 1
 * @param congestionWindow the congestion window, in bytes
 * @param bytesInFlight bytes sent and neither acknowledged nor declared lost
 * @param retransmissions fragments sent again after a loss or a probe timeout
 * @param datagramsSent datagrams sent to the peer
 * @param bytesSent their bytes
 * @param datagramsReceived datagrams accepted from the peer (after checks)
 * @param bytesReceived their bytes
 * @since 0.1.0
 */
public record ConnectionStats(InetSocketAddress remote, Duration smoothedRtt, Duration rttVariation, double lossRate,
        long congestionWindow, long bytesInFlight, long retransmissions, long datagramsSent, long bytesSent,
        long datagramsReceived, long bytesReceived) {

    /** Checks the snapshot: no negative count, a rate within 0..1. */
    public ConnectionStats {
        Objects.requireNonNull(remote, "remote");
        Objects.requireNonNull(smoothedRtt, "smoothedRtt");
        Objects.requireNonNull(rttVariation, "rttVariation");
        if (!(lossRate >= 0 && lossRate <= 1)) {
            throw new IllegalArgumentException("lossRate must be in 0..1: " + lossRate);
        }
        if (congestionWindow < 0 || bytesInFlight < 0 || retransmissions < 0 || datagramsSent < 0 || bytesSent < 0
                || datagramsReceived < 0 || bytesReceived < 0) {
            throw new IllegalArgumentException("counts must not be negative: " + remote);
        }
    }
}
