package io.github.udpkit.api;

/**
 * Where a {@link Connection} is in its life. It only moves forward: {@code CONNECTING} (possibly
 * skipped), then {@code OPEN}, then {@code CLOSED}. There is no closing state: closing sends the
 * peer a CLOSE and drops the conversation's state at once, so a connection is open or closed.
 *
 * @since 0.1.0
 */
public enum ConnectionState {
    /**
     * Not yet accepted: a connection opened by {@link Endpoint#connect} until the peer acknowledges
     * its first message, or one the peer opened until this endpoint accepts its first message
     * ({@link EndpointListener#onConnectRequest}).
     */
    CONNECTING,
    /** Accepted: messages flow both ways. A conversation opened by a plain send is open at once. */
    OPEN,
    /** Over, for the reason in {@link Connection#closed()}; sends on it throw. */
    CLOSED
}
