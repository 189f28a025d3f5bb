package io.github.udpkit.api;

import java.net.InetSocketAddress;
import java.util.Optional;

/**
 * A DTLS handshake with a peer failed: the peer or this endpoint refused the other (an unknown CA,
 * an expired certificate, a name that does not match, no shared cipher or version), or the peer
 * did not answer before the handshake deadline. Raised once per failed handshake: it fails the
 * sends that waited for it, and goes to {@link EndpointListener#onHandshakeFailed}.
 *
 * @since 0.1.0
 */
public class HandshakeException extends UdpException {
    private static final long serialVersionUID = 1L;

    private final transient InetSocketAddress peer;
    private final String alert;

    /**
     * Creates the exception.
     *
     * @param peer the peer of the handshake
     * @param alert the TLS alert sent or received (e.g. {@code unknown_ca}), or {@code null} if none was
     *     (a timeout)
     * @param message what went wrong, naming the peer and the alert
     * @param cause the underlying cause, or {@code null}
     */
    public HandshakeException(InetSocketAddress peer, String alert, String message, Throwable cause) {
        super(message, cause);
        this.peer = peer;
        this.alert = alert;
    }

    /**
     * Returns the peer of the failed handshake.
     *
     * @return its address
     */
    public InetSocketAddress peer() {
        return peer;
    }

    /**
     * Returns the TLS alert that ended the handshake.
     *
     * @return the alert's name as RFC 5246 writes it, e.g. {@code certificate_expired}; empty for a timeout
     */
    public Optional<String> alert() {
        return Optional.ofNullable(alert);
    }
}
