package io.github.udpkit.api;

/**
 * An operation was attempted on an endpoint that is closed or closing.
 *
 * @since 0.1.0
 */
public class EndpointClosedException extends UdpException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message what went wrong, naming the value or peer concerned
     */
    public EndpointClosedException(String message) {
        super(message);
    }

    /**
     * Creates the exception with its cause.
     *
     * @param message what went wrong, naming the value or peer concerned
     * @param cause the underlying cause
     */
    public EndpointClosedException(String message, Throwable cause) {
        super(message, cause);
    }
}
