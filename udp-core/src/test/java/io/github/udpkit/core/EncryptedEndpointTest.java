package io.github.udpkit.core;

import static io.github.udpkit.core.RawEndpointTest.awaitTrue;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.udpkit.api.Codecs;
import io.github.udpkit.api.DeliveryMode;
import io.github.udpkit.api.Endpoint;
import io.github.udpkit.api.Message;
import io.github.udpkit.core.protocol.EngineConfig;
import io.github.udpkit.core.security.AeadAlgorithm;
import io.github.udpkit.core.security.Key;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Encrypted endpoints over real loopback sockets, with every datagram captured by a relay between
 * them: messages arrive in every framed mode with either algorithm, and no 8 bytes of any
 * message ever appear on the wire.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class EncryptedEndpointTest {
    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final Key KEY = Key.generate();

    /**
     * A UDP relay on loopback that records every datagram: the client sends to the relay, which
     * forwards to the server, and the server's answers (to the relay) go back to the client.
     */
    static final class CaptureRelay implements AutoCloseable {
        private final DatagramChannel channel;
        private final Selector selector;
        private final InetSocketAddress server;
        private final List<byte[]> captured = new ArrayList<>();
        private final Thread thread;
        private volatile boolean closed;
        private InetSocketAddress client;

        CaptureRelay(InetSocketAddress server) throws IOException {
            this.server = server;
            this.channel = DatagramChannel.open(StandardProtocolFamily.INET);
            channel.bind(new InetSocketAddress("127.0.0.1", 0));
            channel.configureBlocking(false);
            this.selector = Selector.open();
            channel.register(selector, SelectionKey.OP_READ);
            this.thread = new Thread(this::run, "capture-relay");
            thread.setDaemon(true);
            thread.start();
        }

        InetSocketAddress address() throws IOException {
            return (InetSocketAddress) channel.getLocalAddress();
        }

        synchronized List<byte[]> captured() {
            return new ArrayList<>(captured);
        }

        private void run() {
            ByteBuffer buffer = ByteBuffer.allocate(65_536);
            try {
                while (!closed) {
                    selector.select(100);
                    selector.selectedKeys().clear();
                    InetSocketAddress from;
                    while (!closed && (from = (InetSocketAddress) channel.receive(buffer.clear())) != null) {
                        buffer.flip();
                        byte[] bytes = new byte[buffer.remaining()];
                        buffer.get(bytes);
                        synchronized (this) {
                            captured.add(bytes);
                        }
                        InetSocketAddress to;
                        if (from.equals(server)) {
                            to = client;
                        } else {
                            client = from;
                            to = server;
                        }
                        if (to != null) {
                            channel.send(ByteBuffer.wrap(bytes), to);
                        }
                    }
                }
            } catch (IOException e) {
                if (!closed) {
                    throw new IllegalStateException("relay failed", e);
                }
            }
        }

        @Override
        public void close() throws IOException {
            closed = true;
            selector.wakeup();
            try {
                thread.join(TimeUnit.SECONDS.toMillis(5));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            selector.close();
            channel.close();
        }
    }

    /** Every 8-byte window of every captured datagram, to look plaintext up in. */
    private static Set<Long> windows(List<byte[]> datagrams) {
        Set<Long> all = new HashSet<>();
        for (byte[] d : datagrams) {
            for (int i = 0; i + 8 <= d.length; i++) {
                all.add(ByteBuffer.wrap(d, i, 8).getLong());
            }
        }
        return all;
    }

    /** How many 8-byte windows of the messages appear on the wire. */
    private static int leaked(List<byte[]> messages, List<byte[]> wire) {
        Set<Long> seen = windows(wire);
        int leaks = 0;
        for (byte[] m : messages) {
            for (int i = 0; i + 8 <= m.length; i++) {
                if (seen.contains(ByteBuffer.wrap(m, i, 8).getLong())) {
                    leaks++;
                }
            }
        }
        return leaks;
    }

    private static List<byte[]> messages(int count, int bigSize) {
        List<byte[]> messages = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            messages.add(String.format("TOP SECRET message %03d: the plaintext must never reach the wire", i)
                    .getBytes(StandardCharsets.US_ASCII));
        }
        StringBuilder big = new StringBuilder();
        for (int i = 0; big.length() < bigSize; i++) {
            big.append("fragment text ").append(i).append(", also secret; ");
        }
        messages.add(big.substring(0, bigSize).getBytes(StandardCharsets.US_ASCII));
        return messages;
    }

    /** Sends the messages through the relay and returns the datagrams it saw. */
    private static List<byte[]> exchange(DeliveryMode mode, EndpointBuilder<byte[]> serverBuilder,
            EndpointBuilder<byte[]> clientBuilder, List<byte[]> messages) throws Exception {
        try (Endpoint<byte[]> server = serverBuilder.bind("127.0.0.1", 0).mode(mode).open();
             Endpoint<byte[]> client = clientBuilder.bind("127.0.0.1", 0).mode(mode).open();
             CaptureRelay relay = new CaptureRelay(server.localAddress())) {
            server.onMessage(m -> server.send(m.payload()).to(m.sender())); // echoed: both directions encrypted
            List<CompletableFuture<Void>> sent = new ArrayList<>();
            for (byte[] m : messages) {
                sent.add(client.send(m).to(relay.address()));
                if (!mode.isReliable()) {
                    // Unreliable modes promise nothing under a burst; one at a time, loopback loses none.
                    Message<byte[]> echo = client.receive(WAIT);
                    assertArrayEquals(m, echo.payload(), mode + " echo");
                }
            }
            if (mode.isReliable()) {
                CompletableFuture.allOf(sent.toArray(CompletableFuture[]::new)).get(10, TimeUnit.SECONDS);
                Set<String> echoed = new HashSet<>();
                for (int i = 0; i < messages.size(); i++) {
                    echoed.add(new String(client.receive(WAIT).payload(), StandardCharsets.US_ASCII));
                }
                for (byte[] m : messages) {
                    assertTrue(echoed.contains(new String(m, StandardCharsets.US_ASCII)), mode + " echo");
                }
            }
            assertEquals(0, server.stats().authFailures(), server.stats().toString());
            return relay.captured();
        }
    }

    static Stream<Arguments> modesAndAlgorithms() {
        List<Arguments> all = new ArrayList<>();
        for (DeliveryMode mode : DeliveryMode.values()) {
            if (mode.isFramed()) {
                for (AeadAlgorithm algorithm : AeadAlgorithm.values()) {
                    all.add(Arguments.of(mode, algorithm));
                }
            }
        }
        return all.stream();
    }

    @ParameterizedTest
    @MethodSource("modesAndAlgorithms")
    void shouldRoundTripInEveryFramedModeWithNoPlaintextOnTheWire(DeliveryMode mode, AeadAlgorithm algorithm)
            throws Exception {
        List<byte[]> messages = messages(20, 5000);
        List<byte[]> wire = exchange(mode, Udp.endpoint(Codecs.bytes()).encryption(KEY, algorithm),
                Udp.endpoint(Codecs.bytes()).encryption(KEY, algorithm), messages);
        long sent = messages.stream().mapToLong(m -> m.length).sum();
        long seen = wire.stream().mapToLong(d -> d.length).sum();
        assertTrue(seen >= 2 * sent, "the relay saw the messages and their echoes: " + seen + " bytes");
        assertEquals(0, leaked(messages, wire), "8-byte windows of plaintext on the wire");
    }

    @Test
    void shouldSeeThePlaintextOnTheWireWithoutAKey() throws Exception {
        // The control experiment: the same capture and search find the messages when nothing encrypts them.
        List<byte[]> messages = messages(5, 3000);
        List<byte[]> wire = exchange(DeliveryMode.RELIABLE, Udp.endpoint(Codecs.bytes()), Udp.endpoint(Codecs.bytes()),
                messages);
        assertTrue(leaked(messages, wire) > 1000, "the capture sees plaintext");
    }

    @Test
    void shouldKeepTheOtherProtocolSettings() throws Exception {
        EngineConfig large = EngineConfig.builder().maxDatagramSize(1400).build();
        List<byte[]> messages = messages(3, 20_000);
        List<byte[]> wire = exchange(DeliveryMode.RELIABLE,
                Udp.endpoint(Codecs.bytes()).protocol(large).encryption(KEY),
                Udp.endpoint(Codecs.bytes()).encryption(KEY).protocol(large), messages);
        int largest = wire.stream().mapToInt(d -> d.length).max().orElse(0);
        assertTrue(largest > 1200 && largest <= 1400, "datagrams use the configured size, not the default: " + largest);
        assertEquals(0, leaked(messages, wire));
    }

    @Test
    void shouldDeliverNothingUnderAWrongKeyAndCountAuthenticationFailures() throws Exception {
        try (Endpoint<String> server = Udp.endpoint(Codecs.utf8()).bind("127.0.0.1", 0).mode(DeliveryMode.RELIABLE)
                .encryption(KEY).open();
             Endpoint<String> client = Udp.endpoint(Codecs.utf8()).bind("127.0.0.1", 0).mode(DeliveryMode.RELIABLE)
                .encryption(Key.generate()).open()) {
            for (int i = 0; i < 3; i++) {
                client.send("hello " + i).mode(DeliveryMode.UNRELIABLE).to(server.localAddress()).join();
            }
            awaitTrue(() -> server.stats().authFailures() >= 3);
            assertTrue(server.poll().isEmpty(), "nothing delivered");
            assertEquals(0, server.stats().messagesDelivered());
            assertTrue(client.poll().isEmpty());
        }
    }

    @Test
    void shouldRefuseEncryptionInRawModeAndWithASeed() {
        IllegalArgumentException raw = assertThrows(IllegalArgumentException.class,
                () -> Udp.endpoint(Codecs.utf8()).bind("127.0.0.1", 0).encryption(KEY).open());
        assertEquals("encryption applies to framed modes; RAW sends the codec's bytes as they are: use "
                + "Fernet.codec(key) for encrypted RAW", raw.getMessage());
        IllegalArgumentException seeded = assertThrows(IllegalArgumentException.class,
                () -> Udp.endpoint(Codecs.utf8()).bind("127.0.0.1", 0).mode(DeliveryMode.RELIABLE)
                        .protocol(EngineConfig.builder().seed(42).build()).encryption(KEY).open());
        assertTrue(seeded.getMessage().contains("seed 42"), seeded.getMessage());
        assertThrows(NullPointerException.class, () -> Udp.endpoint(Codecs.utf8()).encryption(null));
        assertThrows(NullPointerException.class, () -> Udp.endpoint(Codecs.utf8()).encryption(KEY, null));
    }
}
