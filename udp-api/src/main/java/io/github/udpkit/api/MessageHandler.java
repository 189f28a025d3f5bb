package io.github.udpkit.api;

/**
 * Receives messages as they arrive, on the endpoint's I/O thread.
 *
 * <p>A handler must return quickly: while it runs, the endpoint reads nothing. Hand slow work to
 * an executor. An exception it throws goes to the endpoint's {@link EndpointListener#onError
 * error listener} and the next message is delivered as usual.
 *
 * @param <T> the payload type
 * @since 0.1.0
 */
@FunctionalInterface
public interface MessageHandler<T> {

    /**
     * Handles one message.
     *
     * @param message the message
     */
    void onMessage(Message<T> message);
}
