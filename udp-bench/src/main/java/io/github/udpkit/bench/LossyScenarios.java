package io.github.udpkit.bench;

import io.github.udpkit.api.Codecs;
import io.github.udpkit.api.DeliveryMode;
import io.github.udpkit.api.Endpoint;
import io.github.udpkit.benchkit.OneWay;
import io.github.udpkit.benchkit.Scenario;
import io.github.udpkit.benchkit.Scenarios;
import io.github.udpkit.benchkit.SequenceCounter;
import io.github.udpkit.core.Udp;
import io.github.udpkit.core.transport.Impairments;
import io.github.udpkit.testkit.LossyProxy;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Locale;

/**
 * udpkit RELIABLE through udp-testkit's {@link LossyProxy}, which drops a share of the datagrams
 * both ways (data and acknowledgements alike), from a fixed seed so runs are comparable. The rate
 * is goodput: distinct messages delivered per second, every one of them, after retransmissions.
 */
final class LossyScenarios {

    /** The proxy's seed: fixed, so every run loses the same pattern of datagrams. */
    static final long SEED = 6;
    /** The socket buffers udpkit bench's own rows ask for (Linux caps them at net.core.rmem_max). */
    private static final int SOCKET_BUFFER_BYTES = 4 << 20;

    private LossyScenarios() {
    }

    static Scenario reliableThroughput(double loss, int payloadBytes) {
        int percent = (int) Math.round(loss * 100);
        String key = "udpkit-reliable-loss" + percent;
        String mode = String.format(Locale.ROOT, "udpkit RELIABLE, %d%% loss", percent);
        // Both endpoints run on the defaults, as udpkit's plain RELIABLE row does: their I/O threads poll adaptively.
        return Scenario.throughput(key, mode, Scenario.Wait.ADAPTIVE, payloadBytes,
                counter -> new Stream(loss, payloadBytes, counter)).asLossless()
                .withMaxDatagramBytes(Scenarios.engineConfig(payloadBytes).maxDatagramSize());
    }

    /**
     * Opens an endpoint with the settings udpkit's lossless rows of the same size use, their socket
     * buffers included: with the system's default buffers a burst overflows the receiver's, and
     * those losses would be counted against the proxy's.
     */
    private static Endpoint<byte[]> open(int payloadBytes) {
        return Udp.endpoint(Codecs.bytes())
                .bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))
                .mode(DeliveryMode.RELIABLE)
                .protocol(Scenarios.engineConfig(payloadBytes))
                .receiveBufferSize(SOCKET_BUFFER_BYTES)
                .sendBufferSize(SOCKET_BUFFER_BYTES)
                .open();
    }

    /** A sender, the proxy, and a receiver counting in its handler. */
    private static final class Stream implements OneWay.FromEndpoint {
        private final int payloadBytes;
        private final Endpoint<byte[]> receiver;
        private final LossyProxy proxy;
        private final Endpoint<byte[]> sender;

        Stream(double loss, int payloadBytes, SequenceCounter counter) {
            this.payloadBytes = payloadBytes;
            Endpoint<byte[]> r = null;
            LossyProxy p = null;
            Endpoint<byte[]> s = null;
            try {
                r = open(payloadBytes);
                r.onMessage(message -> counter.accept(message.payload()));
                p = LossyProxy.forward(r.localAddress(), Impairments.builder().loss(loss).seed(SEED).build());
                s = open(payloadBytes);
            } catch (RuntimeException e) {
                closeQuietly(s, p, r);
                throw e;
            }
            this.receiver = r;
            this.proxy = p;
            this.sender = s;
        }

        @Override
        public long sendUntil(int round, long deadlineNanos, long maxMessages) throws Exception {
            InetSocketAddress target = proxy.address();
            // The engine keeps each message until it is acknowledged: a new array per send.
            return OneWay.sendEach(message -> sender.send(message.clone()).to(target), payloadBytes, round,
                    deadlineNanos, maxMessages);
        }

        @Override
        public Endpoint<?> sendingEndpoint() {
            return sender;
        }

        @Override
        public void close() {
            closeQuietly(sender, proxy, receiver);
        }

        private static void closeQuietly(AutoCloseable... closeables) {
            RuntimeException first = null;
            for (AutoCloseable c : closeables) {
                try {
                    if (c != null) {
                        c.close();
                    }
                } catch (Exception e) {
                    if (first == null) {
                        first = new IllegalStateException("closing " + c + " failed: " + e, e);
                    }
                }
            }
            if (first != null) {
                throw first;
            }
        }
    }
}
