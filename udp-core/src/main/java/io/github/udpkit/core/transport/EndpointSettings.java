package io.github.udpkit.core.transport;

import io.github.udpkit.api.Codec;
import io.github.udpkit.api.DeliveryMode;
import io.github.udpkit.api.EndpointListener;
import io.github.udpkit.api.UnframedHandler;
import io.github.udpkit.core.dtls.DtlsConfig;
import io.github.udpkit.core.protocol.EngineConfig;
import io.github.udpkit.core.security.AddressFilter;
import io.github.udpkit.core.security.RateLimiter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.time.Duration;
import java.util.List;
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
 * @param idleSpin the longest the I/O thread polls its socket after its last work before it sleeps
 * @param listener peer events and errors
 * @param protocol the protocol engine's settings, used by framed endpoints
 * @param filter which sources may reach the endpoint, checked before anything is parsed
 * @param rateLimit per-source rate limit (messages per second and burst), or {@code null} for none
 * @param impairments what the endpoint does to its own traffic, both ways, to try reliability by hand
 * @param multicast the groups to join and the multicast socket options
 * @param reuseAddress {@code SO_REUSEADDR}, so that several sockets may bind one group's port
 * @param unframedHandler where a framed endpoint hands datagrams that are not udpkit frames, or
 *     {@code null} to count them as malformed and drop them
 * @param dtls the DTLS settings of an endpoint secured with DTLS 1.2, or {@code null} for none
 * @param batchedIo whether the endpoint may run on the batched Linux transport (JDK 22+) where
 *     it is available; false keeps it on the JDK's {@code DatagramChannel}
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
        Duration idleSpin,
        EndpointListener listener,
        EngineConfig protocol,
        AddressFilter filter,
        RateLimit rateLimit,
        Impairments impairments,
        Multicast multicast,
        boolean reuseAddress,
        UnframedHandler unframedHandler,
        DtlsConfig dtls,
        boolean batchedIo) {

    /** Checks that the required components are present. */
    public EndpointSettings {
        Objects.requireNonNull(codec, "codec");
        Objects.requireNonNull(bindAddress, "bindAddress");
        Objects.requireNonNull(mode, "mode");
        Objects.requireNonNull(sendTimeout, "sendTimeout");
        Objects.requireNonNull(idleSpin, "idleSpin");
        Objects.requireNonNull(listener, "listener");
        Objects.requireNonNull(protocol, "protocol");
        Objects.requireNonNull(filter, "filter");
        Objects.requireNonNull(impairments, "impairments");
        Objects.requireNonNull(multicast, "multicast");
    }

    /**
     * Multicast settings: the groups joined at open and the socket options for sending to groups.
     *
     * @param groups multicast addresses to join when the endpoint opens, all of one family
     * @param networkInterface the interface to join on and send from, or {@code null} for the
     *     first interface that is up and supports multicast
     * @param ttl {@code IP_MULTICAST_TTL} (hops), or -1 for the system default (1)
     * @param loopback {@code IP_MULTICAST_LOOP}, or {@code null} for the system default (on)
     */
    public record Multicast(List<InetAddress> groups, NetworkInterface networkInterface, int ttl, Boolean loopback) {
        /** No groups, system defaults. */
        public static final Multicast NONE = new Multicast(List.of(), null, -1, null);

        /** Copies the group list. */
        public Multicast {
            groups = List.copyOf(groups);
        }
    }

    /**
     * A per-source limit: a token bucket of {@code burst} datagrams refilled at {@code perSecond}.
     *
     * @param perSecond the sustained rate
     * @param burst the bucket size
     */
    public record RateLimit(double perSecond, int burst) {
        /** Builds the endpoint's own limiter (limiters are single-threaded: one per endpoint). */
        RateLimiter newLimiter() {
            return RateLimiter.builder().ratePerSecond(perSecond).burst(burst).build();
        }
    }
}
