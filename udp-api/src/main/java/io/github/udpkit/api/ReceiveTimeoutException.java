package io.github.udpkit.api;

/**
 * No message arrived within the time a blocking receive was given.
 *
 * @since 0.1.0
 */
public class ReceiveTimeoutException extends UdpException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message what went wrong, naming the value or peer concerned
     */
    public ReceiveTimeoutException(String message) {
        super(message);
    }

    /**
     * Creates the exception with its cause.
     *
     * @param message what went wrong, naming the value or peer concerned
     * @param cause the underlying cause
     */
    public ReceiveTimeoutException(String message, Throwable cause) {
        super(message, cause);
    }
}
