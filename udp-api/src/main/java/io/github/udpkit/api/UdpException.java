package io.github.udpkit.api;

/**
 * The root of every exception udpkit throws; all are unchecked.
 *
 * @since 0.1.0
 */
public class UdpException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message what went wrong, naming the value or peer concerned
     */
    public UdpException(String message) {
        super(message);
    }

    /**
     * Creates the exception with its cause.
     *
     * @param message what went wrong, naming the value or peer concerned
     * @param cause the underlying cause
     */
    public UdpException(String message, Throwable cause) {
        super(message, cause);
    }
}
