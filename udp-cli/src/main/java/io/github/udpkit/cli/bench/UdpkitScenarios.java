package io.github.udpkit.cli.bench;

import io.github.udpkit.api.Codecs;
import io.github.udpkit.api.DeliveryMode;
import io.github.udpkit.api.Endpoint;
import io.github.udpkit.api.EndpointClosedException;
import io.github.udpkit.api.Message;
import io.github.udpkit.api.ReceiveTimeoutException;
import io.github.udpkit.core.EndpointBuilder;
import io.github.udpkit.core.Udp;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Locale;

/**
 * udpkit's endpoints as an application uses them: {@code Udp.endpoint(Codecs.bytes())}, a send per
 * message from the application's thread, received messages handed to an {@code onMessage} handler
 * on the endpoint's I/O thread (throughput), or taken by the application's thread for a round
 * trip with a blocking {@code receive}. In busy-spin mode the endpoints are built {@code busySpin()},
 * so their I/O threads spin on the sockets, and the client's thread still blocks: two threads spin,
 * as in the raw and TCP rows, where a third would starve one of them on two cores.
 */
final class UdpkitScenarios {

    private static final Duration ECHO_TIMEOUT = Duration.ofNanos(Loopback.ECHO_TIMEOUT_NANOS);

    private UdpkitScenarios() {
    }

    static String key(DeliveryMode mode) {
        return "udpkit-" + mode.name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    static String label(DeliveryMode mode) {
        return "udpkit " + mode.name();
    }

    static Scenario throughput(DeliveryMode mode, int payloadBytes) {
        Scenario s = Scenario.throughput(key(mode), label(mode), Scenario.Wait.BLOCKING, payloadBytes,
                counter -> new Stream(mode, payloadBytes, counter));
        return mode.isReliable() ? s.asLossless() : s;
    }

    static Scenario roundTrip(DeliveryMode mode, Scenario.Wait wait, int payloadBytes) {
        return Scenario.roundTrip(key(mode), label(mode), wait, payloadBytes, () -> new Ping(mode, wait, payloadBytes));
    }

    private static Endpoint<byte[]> open(DeliveryMode mode) {
        return open(mode, Scenario.Wait.BLOCKING);
    }

    private static Endpoint<byte[]> open(DeliveryMode mode, Scenario.Wait wait) {
        EndpointBuilder<byte[]> builder = Udp.endpoint(Codecs.bytes())
                .bind(Loopback.anyPort())
                .mode(mode)
                .receiveBufferSize(Loopback.SOCKET_BUFFER_BYTES)
                .sendBufferSize(Loopback.SOCKET_BUFFER_BYTES);
        if (wait == Scenario.Wait.BUSY_SPIN) {
            builder.busySpin();
        }
        return builder.open();
    }

    /** A sending endpoint used from the benchmark's thread, a receiving endpoint counting in its handler. */
    private static final class Stream implements OneWay {
        private final DeliveryMode mode;
        private final int payloadBytes;
        private final Endpoint<byte[]> receiver;
        private final Endpoint<byte[]> sender;
        private final InetSocketAddress target;

        Stream(DeliveryMode mode, int payloadBytes, SequenceCounter counter) throws Exception {
            this.mode = mode;
            this.payloadBytes = payloadBytes;
            Endpoint<byte[]> r = null;
            Endpoint<byte[]> s = null;
            try {
                r = open(mode);
                s = open(mode);
            } catch (RuntimeException e) {
                Loopback.closeAll(r, s);
                throw e;
            }
            this.receiver = r;
            this.sender = s;
            this.target = receiver.localAddress();
            receiver.onMessage(message -> counter.accept(message.payload()));
        }

        @Override
        public long sendUntil(int round, long deadlineNanos, long maxMessages) throws Exception {
            // RAW hands the bytes to the socket before send() returns, so the message array may be
            // reused; the framed modes may hold on to it until it is acknowledged, so each send gets its own.
            boolean reuse = mode == DeliveryMode.RAW;
            return OneWay.sendEach(message -> sender.send(reuse ? message : message.clone()).to(target),
                    payloadBytes, round, deadlineNanos, maxMessages);
        }

        @Override
        public void close() throws IOException {
            Loopback.closeAll(sender, receiver);
        }
    }

    /**
     * A client endpoint whose thread blocks in {@code receive}, an echo endpoint that answers from
     * its handler; in busy-spin mode both endpoints' I/O threads spin on their sockets.
     */
    private static final class Ping implements RoundTrip {
        private final DeliveryMode mode;
        private final Endpoint<byte[]> client;
        private final Endpoint<byte[]> server;
        private final InetSocketAddress serverAddress;
        private final byte[] message;

        Ping(DeliveryMode mode, Scenario.Wait wait, int payloadBytes) throws Exception {
            this.mode = mode;
            Endpoint<byte[]> c = null;
            Endpoint<byte[]> s = null;
            try {
                c = open(mode, wait);
                s = open(mode, wait);
            } catch (RuntimeException e) {
                Loopback.closeAll(c, s);
                throw e;
            }
            this.client = c;
            this.server = s;
            this.serverAddress = server.localAddress();
            this.message = new byte[payloadBytes];
            Endpoint<byte[]> echo = server;
            echo.onMessage(m -> echo.send(m.payload()).to(m.sender()));
        }

        @Override
        public boolean ping(long sequence) {
            Stamp.put(message, 0, sequence);
            client.send(mode == DeliveryMode.RAW ? message : message.clone()).to(serverAddress);
            long start = System.nanoTime();
            while (true) {
                long left = Loopback.ECHO_TIMEOUT_NANOS - (System.nanoTime() - start);
                Message<byte[]> echo;
                try {
                    echo = client.receive(left > 0 ? Duration.ofNanos(left) : Duration.ZERO);
                } catch (ReceiveTimeoutException e) {
                    return false;
                } catch (EndpointClosedException e) {
                    throw new IllegalStateException("client endpoint closed while waiting for an echo of "
                            + ECHO_TIMEOUT.toMillis() + " ms at most", e);
                }
                byte[] payload = echo.payload();
                if (payload.length >= Stamp.LENGTH && Stamp.sequence(payload) == sequence) {
                    return true;
                }
            }
        }

        @Override
        public void close() throws IOException {
            Loopback.closeAll(client, server);
        }
    }
}
