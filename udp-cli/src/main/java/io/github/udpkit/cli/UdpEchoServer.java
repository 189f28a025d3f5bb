package io.github.udpkit.cli;

import io.github.udpkit.api.Codecs;
import io.github.udpkit.api.DeliveryMode;
import io.github.udpkit.api.Endpoint;
import io.github.udpkit.api.EndpointClosedException;
import io.github.udpkit.api.EndpointStats;
import io.github.udpkit.api.Message;
import io.github.udpkit.api.ReceiveTimeoutException;
import io.github.udpkit.api.UdpException;
import io.github.udpkit.core.EndpointBuilder;
import io.github.udpkit.core.Udp;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The seeds' UDP echo server on a udpkit endpoint, by default in {@link DeliveryMode#RAW} mode: each
 * message goes back to its sender, upper-cased or byte for byte, in the endpoint's mode.
 *
 * <p>Payloads travel as bytes, so a plain echo returns anything, valid UTF-8 or not; the upper-casing
 * echo drops (and counts) what is not UTF-8, where the Python server would crash. In a reliable mode
 * a reply that finds the peer's send window full is dropped at once rather than holding up every
 * other peer, and a reply its peer never acknowledges is counted.
 */
final class UdpEchoServer implements AutoCloseable {

    /** Remembered to print one line per new peer; a bound, so a flood of sources costs no memory. */
    private static final int MAX_REMEMBERED_PEERS = 4096;
    private static final Duration POLL = Duration.ofSeconds(1);

    private final Endpoint<byte[]> endpoint;
    private final boolean upper;
    private final EchoObserver observer;
    private final Map<InetSocketAddress, Boolean> peers = new LinkedHashMap<>(64, 0.75f, true) {
        private static final long serialVersionUID = 1L;

        @Override
        protected boolean removeEldestEntry(Map.Entry<InetSocketAddress, Boolean> eldest) {
            return size() > MAX_REMEMBERED_PEERS;
        }
    };
    private final AtomicLong echoed = new AtomicLong();
    private final AtomicLong dropped = new AtomicLong();
    private final AtomicLong unacknowledged = new AtomicLong();

    private UdpEchoServer(Endpoint<byte[]> endpoint, boolean upper, EchoObserver observer) {
        this.endpoint = endpoint;
        this.upper = upper;
        this.observer = observer;
    }

    /**
     * Binds the server.
     *
     * @param bind the local address, or {@code null} for the wildcard address
     * @param port the port, 0 for one the system chooses
     * @throws CliException if the port is in use or the address cannot be bound
     */
    static UdpEchoServer open(InetSocketAddress bind, boolean upper, EchoObserver observer) {
        return open(Udp.endpoint(Codecs.bytes()).mode(DeliveryMode.RAW), bind, upper, observer);
    }

    /**
     * Binds the server with the given endpoint settings (mode, codec, filter, impairments, key).
     *
     * @param builder the endpoint's settings but for its address, which {@code bind} sets
     * @throws CliException if the port is in use or the address cannot be bound
     */
    static UdpEchoServer open(EndpointBuilder<byte[]> builder, InetSocketAddress bind, boolean upper,
                              EchoObserver observer) {
        Objects.requireNonNull(bind, "bind");
        Objects.requireNonNull(observer, "observer");
        Endpoint<byte[]> endpoint = Endpoints.open(builder.bind(bind).failFast(), bind);
        return new UdpEchoServer(endpoint, upper, observer);
    }

    InetSocketAddress localAddress() {
        return endpoint.localAddress();
    }

    /** Serves until {@link #close()} is called, on the calling thread. */
    void serve() {
        while (endpoint.isOpen()) {
            Message<byte[]> message;
            try {
                message = endpoint.receive(POLL);
            } catch (ReceiveTimeoutException e) {
                continue;
            } catch (EndpointClosedException e) {
                return;
            }
            handle(message);
        }
    }

    private void handle(Message<byte[]> message) {
        InetSocketAddress sender = message.sender();
        if (peers.put(sender, Boolean.TRUE) == null) {
            observer.peer("udp", sender, peers.size());
        }
        byte[] received = message.payload();
        Optional<byte[]> reply = upper ? Uppercase.datagram(received) : Optional.of(received);
        if (reply.isEmpty()) {
            dropped.incrementAndGet();
            observer.dropped("udp", sender, received.length + " bytes, not UTF-8");
            return;
        }
        Instant repliedAt = Instant.now();
        try {
            CompletableFuture<Void> sent = endpoint.send(reply.get()).to(sender);
            if (endpoint.mode().isReliable()) {
                sent.whenComplete((ok, failure) -> {
                    if (failure != null && endpoint.isOpen()) {
                        unacknowledged.incrementAndGet();
                    }
                });
            }
        } catch (EndpointClosedException e) {
            return;
        } catch (UdpException | IllegalArgumentException e) {
            // Upper-casing can grow a message past the datagram limit (ß -> SS); the server goes on.
            dropped.incrementAndGet();
            observer.dropped("udp", sender, "reply not sent: " + e.getMessage());
            return;
        }
        echoed.incrementAndGet();
        observer.echoed("udp", sender, received, message.receivedAt(), reply.get(), repliedAt);
    }

    /** The number of datagrams echoed. */
    long echoed() {
        return echoed.get();
    }

    /** The number of datagrams not echoed: not UTF-8 (upper-casing), or the reply could not be sent. */
    long dropped() {
        return dropped.get();
    }

    /** The number of replies of a reliable mode that their peer never acknowledged. */
    long unacknowledged() {
        return unacknowledged.get();
    }

    /** The endpoint's delivery mode. */
    DeliveryMode mode() {
        return endpoint.mode();
    }

    EndpointStats stats() {
        return endpoint.stats();
    }

    @Override
    public void close() {
        endpoint.close();
    }
}
