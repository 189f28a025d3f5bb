package io.github.udpkit.core.transport;

import io.github.udpkit.api.CodecException;
import io.github.udpkit.api.DeliveryMode;
import io.github.udpkit.api.Message;
import io.github.udpkit.api.MessageHandler;
import io.github.udpkit.api.PeerIdentity;
import io.github.udpkit.core.internal.Counter;
import io.github.udpkit.core.internal.ThrottledLog;
import io.github.udpkit.core.security.SignatureRejectedException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;

/**
 * Where an endpoint's received messages go: decoded, stamped with their arrival, and handed to
 * the {@code onMessage} handler on the I/O thread or queued in the bounded inbox that
 * {@code receive} and {@code poll} read; with the counts of what could not be delivered.
 *
 * @param <T> the payload type
 */
final class Deliveries<T> {

    /** What tells the endpoint that the inbox is full of reliable messages: it stops reading. */
    interface ReadGate {
        void pause();
    }

    /** What the inbox holds once the endpoint is closed, so that every waiter wakes. */
    private static final Object CLOSED = new Object();

    private final EndpointSettings<T> settings;
    private final InetSocketAddress localAddress;
    private final ThrottledLog throttledLog;
    private final Consumer<Throwable> errors;
    private final ReadGate readGate;
    private final BlockingQueue<Object> inbox = new LinkedBlockingQueue<>();
    private volatile boolean handlerRequested;
    private MessageHandler<T> handler; // I/O thread only
    /**
     * When the datagram being processed arrived, read from the clock on its first delivered message
     * only: the messages packed in one datagram arrived together. I/O thread only; null between datagrams.
     */
    private Instant arrival;
    private final ArrivalClock arrivalClock = new ArrivalClock();
    private final Counter delivered = new Counter();
    private final LongAdder decodeFailures = new LongAdder();
    private final LongAdder badSignatures = new LongAdder();
    private final LongAdder unknownKeys = new LongAdder();
    private final LongAdder changedKeys = new LongAdder();
    private final LongAdder replayedSequences = new LongAdder();
    private final LongAdder receiveQueueDrops = new LongAdder();

    Deliveries(EndpointSettings<T> settings, InetSocketAddress localAddress, ThrottledLog throttledLog,
            Consumer<Throwable> errors, ReadGate readGate) {
        this.settings = settings;
        this.localAddress = localAddress;
        this.throttledLog = throttledLog;
        this.errors = errors;
        this.readGate = readGate;
    }

    /** I/O thread: a new datagram starts, which has not been stamped yet. */
    void newDatagram() {
        arrival = null;
    }

    /** I/O thread: decodes a message and hands it to the handler or the inbox; counts it if it cannot. */
    void deliver(InetSocketAddress from, int channel, DeliveryMode mode, ByteBuffer payload, long now,
            PeerIdentity identity) {
        T value;
        try {
            value = settings.codec().decode(payload);
        } catch (SignatureRejectedException e) {
            // The verifier has reported it (throttled, with the fingerprints); count it by cause.
            signatureRejections(e.reason()).increment();
            return;
        } catch (CodecException e) {
            decodeFailures.increment();
            throttledLog.debug(now, "endpoint {}: undecodable message from {}: {}", localAddress, from, e.getMessage());
            return;
        } catch (RuntimeException e) {
            // A codec that breaks its contract still must not stop the loop.
            decodeFailures.increment();
            errors.accept(new CodecException("codec " + settings.codec() + " threw " + e, e));
            return;
        }
        if (value == null) {
            decodeFailures.increment();
            errors.accept(new CodecException("codec " + settings.codec() + " decoded a message from " + from + " to null"));
            return;
        }
        Instant receivedAt = arrival;
        if (receivedAt == null) {
            receivedAt = arrivalClock.now();
            arrival = receivedAt;
        }
        Message<T> message = new Message<>(value, from, localAddress, receivedAt, mode, channel,
                Optional.ofNullable(identity));
        MessageHandler<T> h = handler;
        if (h != null) {
            delivered.add(1);
            invoke(h, message);
        } else if (!mode.isReliable() && inbox.size() >= settings.receiveQueueCapacity()) {
            receiveQueueDrops.increment();
        } else {
            delivered.add(1);
            inbox.add(message);
            if (inbox.size() >= settings.receiveQueueCapacity() && mode.isReliable()) {
                readGate.pause();
            }
        }
    }

    private LongAdder signatureRejections(SignatureRejectedException.Reason reason) {
        switch (reason) {
            case BAD_SIGNATURE:
                return badSignatures;
            case UNKNOWN_KEY:
                return unknownKeys;
            case CHANGED_KEY:
                return changedKeys;
            default:
                return replayedSequences;
        }
    }

    private void invoke(MessageHandler<T> h, Message<T> message) {
        try {
            h.onMessage(message);
        } catch (RuntimeException | Error e) {
            errors.accept(e);
        }
    }

    /** Any thread: from now on messages go to a handler, and {@code receive} is refused. */
    void requestHandler() {
        handlerRequested = true;
    }

    boolean handlerRequested() {
        return handlerRequested;
    }

    /** I/O thread: hands the new handler what is queued, in order, before anything newer arrives. */
    void handOver(MessageHandler<T> newHandler) {
        for (Object queued; (queued = inbox.poll()) != null; ) {
            if (queued != CLOSED) {
                invoke(newHandler, cast(queued));
            }
        }
        handler = newHandler;
    }

    boolean hasHandler() {
        return handler != null;
    }

    /** Whether the application has taken half the inbox, so reading may resume. */
    boolean drained() {
        return inbox.size() <= settings.receiveQueueCapacity() / 2;
    }

    /** The next message, or null when none came in time; {@link #isClosed} says if it is the end. */
    Object poll(long timeoutNanos) throws InterruptedException {
        return timeoutNanos <= 0 ? inbox.poll() : inbox.poll(timeoutNanos, TimeUnit.NANOSECONDS);
    }

    /** The next message without waiting, or null; {@link #isClosed} says if it is the end. */
    Object poll() {
        return inbox.poll();
    }

    /** Whether what {@link #poll} returned is the end; it stays in the inbox for every other waiter. */
    boolean isClosed(Object polled) {
        if (polled == CLOSED) {
            inbox.add(CLOSED);
            return true;
        }
        return false;
    }

    /** Wakes every waiter with the end. */
    void close() {
        inbox.add(CLOSED);
    }

    @SuppressWarnings("unchecked")
    Message<T> cast(Object message) {
        return (Message<T>) message;
    }

    long delivered() {
        return delivered.get();
    }

    long decodeFailures() {
        return decodeFailures.sum();
    }

    long badSignatures() {
        return badSignatures.sum();
    }

    long unknownKeys() {
        return unknownKeys.sum();
    }

    long changedKeys() {
        return changedKeys.sum();
    }

    long replayedSequences() {
        return replayedSequences.sum();
    }

    long receiveQueueDrops() {
        return receiveQueueDrops.sum();
    }
}
