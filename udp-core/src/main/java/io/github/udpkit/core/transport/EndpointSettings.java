package io.github.udpkit.core.transport;

import io.github.udpkit.api.Codec;
import io.github.udpkit.api.DeliveryMode;
import io.github.udpkit.api.EndpointListener;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Objects;

/**
 * Everything an endpoint is opened with, validated by {@code EndpointBuilder}; immutable.
 *
 * @param codec the payload codec
 * @param bindAddress the local address, possibly the wildcard and port 0
 * @param peer the default peer, or {@code null}
 * @param mode the default delivery mode
 * @param receiveBufferSize {@code SO_RCVBUF} in bytes, or 0 for the system default
 * @param sendBufferSize {@code SO_SNDBUF} in bytes, or 0 for the system default
 * @param broadcast {@code SO_BROADCAST}
 * @param receiveQueueCapacity how many received messages wait for {@code receive()} at most
 * @param maxMessageSize the largest message sent or accepted, in bytes of encoded payload
 * @param sendTimeout how long a send waits for room in the send window, or to hand a datagram to a full socket
 * @param failFast whether a send on a full window fails at once instead of waiting
 * @param busySpin whether the I/O thread spins on the socket instead of sleeping in a selector
 * @param listener peer events and errors
 * @param <T> the payload type
 * @since 0.1.0
 */
public record EndpointSettings<T>(
        Codec<T> codec,
        InetSocketAddress bindAddress,
        InetSocketAddress peer,
        DeliveryMode mode,
        int receiveBufferSize,
        int sendBufferSize,
        boolean broadcast,
        int receiveQueueCapacity,
        int maxMessageSize,
        Duration sendTimeout,
        boolean failFast,
        boolean busySpin,
        EndpointListener listener) {

    /** Checks that the required components are present. */
    public EndpointSettings {
        Objects.requireNonNull(codec, "codec");
        Objects.requireNonNull(bindAddress, "bindAddress");
        Objects.requireNonNull(mode, "mode");
        Objects.requireNonNull(sendTimeout, "sendTimeout");
        Objects.requireNonNull(listener, "listener");
    }
}
