package io.github.udpkit.api;

/**
 * A message is larger than the endpoint allows; it was not sent.
 *
 * @since 0.1.0
 */
public class MessageTooLargeException extends UdpException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message what went wrong, naming the value or peer concerned
     */
    public MessageTooLargeException(String message) {
        super(message);
    }

    /**
     * Creates the exception with its cause.
     *
     * @param message what went wrong, naming the value or peer concerned
     * @param cause the underlying cause
     */
    public MessageTooLargeException(String message, Throwable cause) {
        super(message, cause);
    }
}
