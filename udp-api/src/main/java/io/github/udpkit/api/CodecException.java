package io.github.udpkit.api;

/**
 * A value could not be encoded, or received bytes could not be decoded, by a {@link Codec}.
 *
 * @since 0.1.0
 */
public class CodecException extends UdpException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message what went wrong, naming the value or peer concerned
     */
    public CodecException(String message) {
        super(message);
    }

    /**
     * Creates the exception with its cause.
     *
     * @param message what went wrong, naming the value or peer concerned
     * @param cause the underlying cause
     */
    public CodecException(String message, Throwable cause) {
        super(message, cause);
    }
}
