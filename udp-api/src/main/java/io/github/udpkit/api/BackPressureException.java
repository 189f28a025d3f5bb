package io.github.udpkit.api;

/**
 * A send found the endpoint's send window full and its policy is to fail fast, or its wait ran out.
 *
 * @since 0.1.0
 */
public class BackPressureException extends UdpException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message what went wrong, naming the value or peer concerned
     */
    public BackPressureException(String message) {
        super(message);
    }

    /**
     * Creates the exception with its cause.
     *
     * @param message what went wrong, naming the value or peer concerned
     * @param cause the underlying cause
     */
    public BackPressureException(String message, Throwable cause) {
        super(message, cause);
    }
}
