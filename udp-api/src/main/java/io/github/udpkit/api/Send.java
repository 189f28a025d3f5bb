package io.github.udpkit.api;

import java.net.InetSocketAddress;
import java.util.concurrent.CompletableFuture;

/**
 * A message on its way out, waiting to be addressed: {@code endpoint.send(value).to(host, port)}.
 * Nothing is sent until one of the {@code to} methods is called.
 *
 * <p>Caller mistakes (an oversized message, an unknown host, a closed endpoint) throw at once.
 * The returned future says what became of the message: for {@link DeliveryMode#RAW} and
 * {@link DeliveryMode#UNRELIABLE}-style modes it completes once the datagram is handed to the
 * socket; for reliable modes once the peer has acknowledged every fragment, and exceptionally with a
 * {@link DeliveryException} when retries run out.
 *
 * @param <T> the payload type
 * @since 0.1.0
 */
public interface Send<T> {

    /**
     * Sends this message in another mode than the endpoint's default.
     *
     * @param mode the mode for this message
     * @return this
     */
    Send<T> mode(DeliveryMode mode);

    /**
     * Sends this message on one of the peer's 256 independent channels (a framed mode only). Each
     * channel is ordered on its own: a message lost on one channel never holds back another's.
     * The receiver sees it in {@link Message#channel()}. Without this call, channel 0.
     *
     * @param channel 0..255
     * @return this
     * @throws IllegalArgumentException for a channel outside 0..255, or any but 0 from a RAW endpoint
     * @since 0.1.0
     */
    default Send<T> channel(int channel) {
        if (channel != 0) {
            throw new IllegalArgumentException("this endpoint has only channel 0: " + channel);
        }
        return this;
    }

    /**
     * Sends to a host and port; the host is resolved now.
     *
     * @param host a host name or address literal
     * @param port the port, 1 to 65535
     * @return the future of the send
     * @throws IllegalArgumentException if the port is out of range or the host cannot be resolved
     */
    CompletableFuture<Void> to(String host, int port);

    /**
     * Sends to an address.
     *
     * @param address a resolved address
     * @return the future of the send
     * @throws IllegalArgumentException if the address is unresolved
     */
    CompletableFuture<Void> to(InetSocketAddress address);

    /**
     * Sends to the endpoint's connected peer.
     *
     * @return the future of the send
     * @throws IllegalStateException if the endpoint was not opened with a peer
     */
    CompletableFuture<Void> toPeer();
}
