package io.github.udpkit.testkit;

import static com.google.common.base.Preconditions.checkState;

import io.github.udpkit.api.DeliveryMode;
import io.github.udpkit.api.DisconnectReason;
import io.github.udpkit.core.protocol.Engine;
import io.github.udpkit.core.protocol.EngineConfig;
import io.github.udpkit.core.protocol.EngineOutput;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * udpkit's protocol {@link Engine} attached to a {@link SimulatedNetwork}: the test sends through
 * it and awaits completions in virtual time, and it records every message and peer event the
 * engine hands out. Made by {@link SimulatedNetwork#engine(InetSocketAddress, EngineConfig)}.
 *
 * <pre>{@code
 * SimPeer alice = net.engine(net.nextAddress());
 * SimPeer bob = net.engine(net.nextAddress());
 * CompletableFuture<Void> sent = alice.send(bob, DeliveryMode.RELIABLE, "hello".getBytes(UTF_8));
 * assertTrue(alice.await(sent, Duration.ofSeconds(30)));
 * assertEquals("hello", bob.deliveries().get(0).text());
 * }</pre>
 *
 * <p>Like the network, not thread-safe: use it from the test's thread. Completions of sends run
 * their callbacks on that thread, inside the network's run.
 *
 * @since 0.1.0
 */
public final class SimPeer implements SimNode {

    /** The default bound on recorded deliveries; {@link #clearDeliveries()} makes room. */
    public static final int DEFAULT_MAX_RECORDED = 1_000_000;

    private final SimulatedNetwork.Port port;
    private final Engine engine;
    private final int maxRecorded;
    private final List<Delivery> deliveries = new ArrayList<>();
    private final List<PeerEvent> events = new ArrayList<>();
    private long deliveryCount;

    SimPeer(SimulatedNetwork.Port port, EngineConfig config, int maxRecorded) {
        this.port = port;
        this.maxRecorded = maxRecorded;
        this.engine = new Engine(config, new Output(), port.network().nowNanos());
    }

    /**
     * The address the peer is attached at.
     *
     * @return the address
     */
    public InetSocketAddress address() {
        return port.address();
    }

    /**
     * The engine, for its {@link Engine#metrics() metrics} or direct calls. After calling into it
     * directly, call {@link SimulatedNetwork.Port#wake()} on {@link #port()} (or just run the
     * network, which updates every node first).
     *
     * @return the engine
     */
    public Engine engine() {
        return engine;
    }

    /**
     * The port the peer sends through.
     *
     * @return the port
     */
    public SimulatedNetwork.Port port() {
        return port;
    }

    /**
     * Queues a message for a peer; it is transmitted when the network next runs.
     *
     * @param to the receiver
     * @param mode a framed delivery mode
     * @param payload the message; the engine keeps it until it is acknowledged, so do not modify it
     * @return completes as {@link Engine#send} describes: on acknowledgement for reliable modes, on
     *     transmission for the others; fails with a {@code DeliveryException} when retries run out
     */
    public CompletableFuture<Void> send(InetSocketAddress to, DeliveryMode mode, byte[] payload) {
        CompletableFuture<Void> completion = new CompletableFuture<>();
        engine.send(to, mode, payload, completion, port.network().nowNanos());
        port.wake();
        return completion;
    }

    /**
     * Queues a message for another simulated peer.
     *
     * @param to the receiver
     * @param mode a framed delivery mode
     * @param payload the message; do not modify it afterwards
     * @return the completion, as for {@link #send(InetSocketAddress, DeliveryMode, byte[])}
     */
    public CompletableFuture<Void> send(SimPeer to, DeliveryMode mode, byte[] payload) {
        return send(to.address(), mode, payload);
    }

    /**
     * Runs the network until {@code completion} is done (successfully or not) or
     * {@code virtualLimit} has passed.
     *
     * @param completion a send's completion, or several combined with {@code CompletableFuture.allOf}
     * @param virtualLimit how much virtual time may pass
     * @return true when it is done
     */
    public boolean await(CompletableFuture<?> completion, Duration virtualLimit) {
        Objects.requireNonNull(completion, "completion");
        return port.network().runUntil(completion::isDone, virtualLimit);
    }

    /**
     * The messages delivered to this peer and still recorded, oldest first. A live, unmodifiable
     * view: read it on the test's thread.
     *
     * @return the deliveries
     */
    public List<Delivery> deliveries() {
        return Collections.unmodifiableList(deliveries);
    }

    /**
     * The messages delivered to this peer since it was made, cleared ones included. Cheap, for run
     * conditions.
     *
     * @return a count
     */
    public long deliveryCount() {
        return deliveryCount;
    }

    /** Forgets the recorded deliveries, to make room in long runs ({@link #deliveryCount()} keeps counting). */
    public void clearDeliveries() {
        deliveries.clear();
    }

    /**
     * The peer events the engine reported, oldest first. A live, unmodifiable view.
     *
     * @return the events
     */
    public List<PeerEvent> events() {
        return Collections.unmodifiableList(events);
    }

    /**
     * Closes the engine: it sends a CLOSE to every peer, fails pending sends and drops its state.
     * The peer stays attached (datagrams for it are ignored); {@link #detach()} removes it.
     */
    public void close() {
        engine.close(port.network().nowNanos());
        port.wake();
    }

    /** Removes the peer from the network, as if its host vanished; the engine is not told. */
    public void detach() {
        port.close();
    }

    @Override
    public void receive(InetSocketAddress from, ByteBuffer datagram, long nowNanos) {
        engine.receive(from, datagram, nowNanos);
    }

    @Override
    public long update(long nowNanos) {
        return engine.update(nowNanos);
    }

    /** Shows the address and how much was delivered. */
    @Override
    public String toString() {
        return "SimPeer[" + address() + ", " + deliveryCount + " delivered, " + engine.peerCount() + " peers]";
    }

    private final class Output implements EngineOutput {
        @Override
        public void transmit(InetSocketAddress to, ByteBuffer datagram) {
            if (port.isOpen()) {
                port.send(to, datagram);
            }
        }

        @Override
        public void deliver(InetSocketAddress from, DeliveryMode mode, ByteBuffer payload, long nowNanos) {
            checkState(deliveries.size() < maxRecorded,
                    "%s recorded %s deliveries: clear them with clearDeliveries() in long runs", address(), maxRecorded);
            byte[] bytes = new byte[payload.remaining()];
            payload.get(payload.position(), bytes);
            deliveries.add(new Delivery(from, mode, bytes, nowNanos));
            deliveryCount++;
        }

        @Override
        public void peerConnected(InetSocketAddress peer) {
            events.add(new PeerEvent(peer, Optional.empty(), port.network().nowNanos()));
        }

        @Override
        public void peerDisconnected(InetSocketAddress peer, DisconnectReason reason) {
            events.add(new PeerEvent(peer, Optional.of(reason), port.network().nowNanos()));
        }
    }

    /**
     * A message the engine delivered.
     *
     * @since 0.1.0
     */
    public static final class Delivery {
        private final InetSocketAddress from;
        private final DeliveryMode mode;
        private final byte[] payload;
        private final long nanos;

        Delivery(InetSocketAddress from, DeliveryMode mode, byte[] payload, long nanos) {
            this.from = from;
            this.mode = mode;
            this.payload = payload;
            this.nanos = nanos;
        }

        /**
         * The sending peer.
         *
         * @return its address
         */
        public InetSocketAddress from() {
            return from;
        }

        /**
         * The mode it travelled in.
         *
         * @return the mode
         */
        public DeliveryMode mode() {
            return mode;
        }

        /**
         * The message.
         *
         * @return a copy of its bytes
         */
        public byte[] payload() {
            return payload.clone();
        }

        /**
         * The message's length.
         *
         * @return bytes
         */
        public int size() {
            return payload.length;
        }

        /**
         * The message decoded as UTF-8 (malformed input replaced), for text payloads.
         *
         * @return the text
         */
        public String text() {
            return new String(payload, StandardCharsets.UTF_8);
        }

        /**
         * When it was delivered.
         *
         * @return the virtual time
         */
        public long nanos() {
            return nanos;
        }

        /** Shows the sender, mode, size and time. */
        @Override
        public String toString() {
            return "Delivery[" + from + ", " + mode + ", " + payload.length + " bytes @" + nanos + "]";
        }
    }

    /**
     * A peer the engine connected or disconnected.
     *
     * @param peer the peer
     * @param disconnected why it was disconnected; empty for a connection
     * @param nanos the virtual time it happened at
     * @since 0.1.0
     */
    public record PeerEvent(InetSocketAddress peer, Optional<DisconnectReason> disconnected, long nanos) {

        /** Checks that no component is {@code null}. */
        public PeerEvent {
            Objects.requireNonNull(peer, "peer");
            Objects.requireNonNull(disconnected, "disconnected");
        }

        /**
         * Whether this is a connection rather than a disconnection.
         *
         * @return true for a connection
         */
        public boolean isConnect() {
            return disconnected.isEmpty();
        }
    }
}
