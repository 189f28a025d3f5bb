package io.github.udpkit.core.dtls;

import io.github.udpkit.core.internal.Counter;

/**
 * What a {@link DtlsHost} or {@link DtlsLayer} and their sessions count: written on the owning thread, read from any
 * (an endpoint's {@code stats()}), each counter published on its own.
 */
final class DtlsCounters {
    final Counter cookiesSent = new Counter();
    final Counter handshakesStarted = new Counter();
    final Counter handshakesCompleted = new Counter();
    final Counter handshakesFailed = new Counter();
    final Counter refused = new Counter();
    final Counter unexpected = new Counter();
    final Counter retransmissions = new Counter();
    final Counter replaysDropped = new Counter();
    final Counter authFailures = new Counter();
    final Counter sessions = new Counter();
    final Counter handshaking = new Counter();
    final Counter handshakeNanosTotal = new Counter();
}
