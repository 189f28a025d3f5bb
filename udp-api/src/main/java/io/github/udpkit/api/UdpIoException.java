package io.github.udpkit.api;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.SocketAddress;

/**
 * An I/O error of the socket beneath an endpoint, naming the endpoint's address and the peer it
 * concerns.
 *
 * @since 0.1.0
 */
public class UdpIoException extends UdpException {
    private static final long serialVersionUID = 1L;

    /**
     * Wraps an I/O error.
     *
     * @param message what was being done, naming the endpoint and peer
     * @param cause the I/O error
     */
    public UdpIoException(String message, IOException cause) {
        super(message + ": " + cause.getMessage(), cause);
    }

    /**
     * Wraps an I/O error with the addresses it concerns.
     *
     * @param action what was being done ("send", "bind", ...)
     * @param local the endpoint's local address, or {@code null} before it is bound
     * @param peer the peer concerned, or {@code null}
     * @param cause the I/O error
     * @return the exception
     */
    public static UdpIoException of(String action, SocketAddress local, SocketAddress peer, IOException cause) {
        StringBuilder sb = new StringBuilder(action);
        if (local != null) {
            sb.append(" on ").append(local);
        }
        if (peer != null) {
            sb.append(" to ").append(peer);
        }
        return new UdpIoException(sb.toString(), cause);
    }

    @Override
    public synchronized IOException getCause() {
        return (IOException) super.getCause();
    }

    /**
     * The cause as the JDK's unchecked wrapper, for code that expects one.
     *
     * @return the cause wrapped
     */
    public UncheckedIOException asUnchecked() {
        return new UncheckedIOException(getMessage(), getCause());
    }
}
