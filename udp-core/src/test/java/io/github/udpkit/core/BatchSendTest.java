package io.github.udpkit.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.udpkit.api.BackPressureException;
import io.github.udpkit.api.Batch;
import io.github.udpkit.api.Codecs;
import io.github.udpkit.api.Connection;
import io.github.udpkit.api.DeliveryMode;
import io.github.udpkit.api.Endpoint;
import io.github.udpkit.api.EndpointClosedException;
import io.github.udpkit.api.Message;
import io.github.udpkit.api.MessageTooLargeException;
import io.github.udpkit.core.protocol.EngineConfig;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.nio.channels.DatagramChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@code Endpoint.batch()} over real loopback sockets: many messages, one call, one future. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class BatchSendTest {

    private static final Duration WAIT = Duration.ofSeconds(10);

    private static Endpoint<String> open(DeliveryMode mode) {
        return Udp.endpoint(Codecs.utf8()).bind("127.0.0.1", 0).mode(mode).open();
    }

    private static Endpoint<String> openWithWindow(int window) {
        return Udp.endpoint(Codecs.utf8()).bind("127.0.0.1", 0).mode(DeliveryMode.RELIABLE)
                .protocol(EngineConfig.builder().maxQueuedMessages(window).build()).failFast().open();
    }

    @Test
    void shouldDeliverEveryMessageOnceAndInOrderWithinEachChannel() throws Exception {
        try (Endpoint<String> server = open(DeliveryMode.RELIABLE); Endpoint<String> client = open(DeliveryMode.RELIABLE)) {
            Batch<String> batch = client.batch();
            for (int i = 0; i < 600; i++) {
                int channel = i % 3 == 0 ? 7 : 0;
                batch.channel(channel).add(channel + ":" + i + ":" + "é€😀".repeat(i % 5));
            }
            assertEquals(600, batch.size());
            batch.to(server.localAddress()).get(10, TimeUnit.SECONDS);
            Map<Integer, Integer> last = new HashMap<>();
            for (int n = 0; n < 600; n++) {
                Message<String> m = server.receive(WAIT);
                String[] parts = m.payload().split(":");
                int channel = Integer.parseInt(parts[0]);
                int i = Integer.parseInt(parts[1]);
                assertEquals(channel, m.channel(), m.payload());
                assertEquals("é€😀".repeat(i % 5), parts.length > 2 ? parts[2] : "", "payload of " + i);
                assertTrue(i > last.getOrDefault(channel, -1), "message " + i + " after " + last.get(channel)
                        + " on channel " + channel);
                last.put(channel, i);
            }
            assertTrue(server.poll().isEmpty(), "nothing delivered twice");
            assertEquals(600, client.stats().messagesSent());
            assertTrue(client.stats().datagramsSent() < 600, "packed: " + client.stats());
        }
    }

    @Test
    void shouldSendEachMessageInTheModeItWasAddedIn() throws Exception {
        try (Endpoint<String> server = open(DeliveryMode.RELIABLE); Endpoint<String> client = open(DeliveryMode.RELIABLE)) {
            client.batch().mode(DeliveryMode.UNRELIABLE).add("u").mode(DeliveryMode.RELIABLE).add("r")
                    .to(server.localAddress()).get(10, TimeUnit.SECONDS);
            Map<String, DeliveryMode> modes = new HashMap<>();
            for (int i = 0; i < 2; i++) {
                Message<String> m = server.receive(WAIT);
                modes.put(m.payload(), m.mode());
            }
            assertEquals(Map.of("u", DeliveryMode.UNRELIABLE, "r", DeliveryMode.RELIABLE), modes);
        }
    }

    @Test
    void shouldWriteARawBatchAsOneDatagramPerMessage() throws Exception {
        try (DatagramChannel plain = DatagramChannel.open(StandardProtocolFamily.INET);
             Endpoint<String> client = open(DeliveryMode.RAW)) {
            plain.bind(new InetSocketAddress("127.0.0.1", 0));
            List<String> sent = new ArrayList<>();
            for (int i = 0; i < 40; i++) {
                sent.add("datagram " + i);
            }
            client.batch().addAll(sent).to((InetSocketAddress) plain.getLocalAddress()).get(10, TimeUnit.SECONDS);
            plain.configureBlocking(true);
            java.nio.ByteBuffer buffer = java.nio.ByteBuffer.allocate(2048);
            for (String expected : sent) {
                buffer.clear();
                plain.receive(buffer); // 40 small datagrams on loopback: all in the receive buffer already
                assertEquals(expected, Codecs.utf8().decode(buffer.flip()));
            }
            assertEquals(40, client.stats().datagramsSent());
            assertEquals(40, client.stats().messagesSent());
        }
    }

    @Test
    void shouldFailTheWholeBatchWhenTheEndpointCloses() throws Exception {
        CompletableFuture<Void> pending;
        try (DatagramChannel silent = DatagramChannel.open(StandardProtocolFamily.INET)) {
            silent.bind(new InetSocketAddress("127.0.0.1", 0));
            Endpoint<String> client = open(DeliveryMode.RELIABLE);
            pending = client.batch().add("a").add("b").add("c").to((InetSocketAddress) silent.getLocalAddress());
            client.close();
        }
        CompletionException e = assertThrows(CompletionException.class, pending::join);
        assertInstanceOf(EndpointClosedException.class, e.getCause());
    }

    @Test
    void shouldTakeTheWholeBatchsPermitsOrNone() throws Exception {
        try (DatagramChannel silent = DatagramChannel.open(StandardProtocolFamily.INET);
             Endpoint<String> client = openWithWindow(8)) {
            silent.bind(new InetSocketAddress("127.0.0.1", 0));
            InetSocketAddress to = (InetSocketAddress) silent.getLocalAddress();
            client.batch().add("1").add("2").add("3").add("4").add("5").add("6").to(to);
            Batch<String> three = client.batch().add("7").add("8").add("9");
            BackPressureException e = assertThrows(BackPressureException.class, () -> three.to(to));
            assertTrue(e.getMessage().contains("3 messages"), e.getMessage());
            // Nothing was taken: the two permits left are there for a batch of two.
            client.batch().add("7").add("8").to(to);
            assertThrows(BackPressureException.class, () -> client.send("one too many").to(to));
        }
    }

    @Test
    void shouldWaitForRoomThenGiveUpAfterTheSendTimeout() throws Exception {
        try (DatagramChannel silent = DatagramChannel.open(StandardProtocolFamily.INET);
             Endpoint<String> client = Udp.endpoint(Codecs.utf8()).bind("127.0.0.1", 0).mode(DeliveryMode.RELIABLE)
                     .protocol(EngineConfig.builder().maxQueuedMessages(2).build())
                     .sendTimeout(Duration.ofMillis(100)).open()) {
            silent.bind(new InetSocketAddress("127.0.0.1", 0));
            InetSocketAddress to = (InetSocketAddress) silent.getLocalAddress();
            client.send("a").to(to);
            Batch<String> two = client.batch().add("b").add("c");
            BackPressureException e = assertThrows(BackPressureException.class, () -> two.to(to));
            assertTrue(e.getMessage().contains("100 ms"), e.getMessage());
        }
    }

    @Test
    void shouldReturnEveryPermitBeforeTheBatchCompletes() throws Exception {
        try (Endpoint<String> server = open(DeliveryMode.RELIABLE); Endpoint<String> client = openWithWindow(8)) {
            for (int round = 0; round < 20; round++) {
                Batch<String> batch = client.batch();
                for (int i = 0; i < 8; i++) {
                    batch.add(round + "/" + i);
                }
                // Fail-fast: a permit still held when the future completed would refuse the next round.
                batch.to(server.localAddress()).get(10, TimeUnit.SECONDS);
            }
            for (int i = 0; i < 160; i++) {
                assertEquals((i / 8) + "/" + (i % 8), server.receive(WAIT).payload());
            }
        }
    }

    @Test
    void shouldRefuseABatchLargerThanTheSendWindowAtOnce() {
        try (Endpoint<String> client = openWithWindow(4)) {
            Batch<String> batch = client.batch().add("1").add("2").add("3").add("4");
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> batch.add("5"));
            assertTrue(e.getMessage().contains("at most 4 messages"), e.getMessage());
            assertEquals(4, batch.size());
        }
    }

    @Test
    void shouldRefuseABatchOfMoreBytesThanThePeersQueueAtOnce() {
        try (Endpoint<String> client = Udp.endpoint(Codecs.utf8()).bind("127.0.0.1", 0).mode(DeliveryMode.RELIABLE)
                .protocol(EngineConfig.builder().maxMessageSize(1000).maxQueuedBytes(2500).build()).open()) {
            Batch<String> batch = client.batch().add("x".repeat(1000)).add("y".repeat(999));
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> batch.add("z".repeat(502)));
            assertTrue(e.getMessage().contains("at most 2500 bytes"), e.getMessage());
            assertEquals(2, batch.size(), "the batch keeps what it held");
            batch.add("z".repeat(501)); // exactly the limit
            assertEquals(3, batch.size());
            assertThrows(IllegalStateException.class, () -> batch.add("a"));
        }
    }

    @Test
    void shouldNameTheBadValueOfEachMistake() throws Exception {
        try (Endpoint<String> client = Udp.endpoint(Codecs.utf8()).bind("127.0.0.1", 0).mode(DeliveryMode.RELIABLE)
                .maxMessageSize(100).open();
             Endpoint<String> raw = open(DeliveryMode.RAW)) {
            Batch<String> batch = client.batch();
            IllegalArgumentException channel = assertThrows(IllegalArgumentException.class, () -> batch.channel(256));
            assertTrue(channel.getMessage().contains("256"), channel.getMessage());
            assertThrows(NullPointerException.class, () -> batch.add(null));
            assertThrows(NullPointerException.class, () -> batch.mode(null));
            batch.add("kept");
            MessageTooLargeException large = assertThrows(MessageTooLargeException.class, () -> batch.add("x".repeat(101)));
            assertTrue(large.getMessage().contains("101 bytes"), large.getMessage());
            assertEquals(1, batch.size(), "the batch keeps what it held");
            IllegalStateException mixed = assertThrows(IllegalStateException.class, () -> batch.mode(DeliveryMode.RAW));
            assertTrue(mixed.getMessage().contains("RAW"), mixed.getMessage());
            IllegalArgumentException group = assertThrows(IllegalArgumentException.class,
                    () -> batch.to(new InetSocketAddress("239.1.2.3", 5000)));
            assertTrue(group.getMessage().contains("239.1.2.3"), group.getMessage());
            assertThrows(IllegalArgumentException.class, () -> raw.batch().mode(DeliveryMode.RELIABLE));
            IllegalArgumentException rawChannel = assertThrows(IllegalArgumentException.class, () -> raw.batch().channel(3));
            assertTrue(rawChannel.getMessage().contains("3"), rawChannel.getMessage());

            try (Endpoint<String> server = open(DeliveryMode.RELIABLE)) {
                batch.to(server.localAddress()).get(10, TimeUnit.SECONDS);
                IllegalStateException again = assertThrows(IllegalStateException.class,
                        () -> batch.to(server.localAddress()));
                assertTrue(again.getMessage().contains("sent"), again.getMessage());
                assertThrows(IllegalStateException.class, () -> batch.add("late"));
                assertEquals("kept", server.receive(WAIT).payload());
            }
        }
    }

    @Test
    void shouldRefuseABatchFromAClosedEndpoint() {
        Endpoint<String> client = open(DeliveryMode.RELIABLE);
        Batch<String> batch = client.batch().add("a");
        client.close();
        assertThrows(EndpointClosedException.class, client::batch);
        assertThrows(EndpointClosedException.class, () -> batch.to(new InetSocketAddress("127.0.0.1", 9)));
    }

    @Test
    void shouldSendAConnectionsBatchToItsPeerOnly() throws Exception {
        try (Endpoint<String> server = open(DeliveryMode.RELIABLE); Endpoint<String> client = open(DeliveryMode.RELIABLE)) {
            Connection<String> c = client.connect(server.localAddress(), "hello").get(10, TimeUnit.SECONDS);
            assertEquals("hello", server.receive(WAIT).payload());
            Batch<String> batch = c.batch().add("a").channel(2).add("b");
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> batch.to(server.localAddress()));
            assertTrue(e.getMessage().contains("toPeer()"), e.getMessage());
            batch.toPeer().get(10, TimeUnit.SECONDS);
            Message<String> a = server.receive(WAIT);
            Message<String> b = server.receive(WAIT);
            assertEquals("a", a.payload());
            assertEquals(0, a.channel());
            assertEquals("b", b.payload());
            assertEquals(2, b.channel());
            assertTrue(c.close("done"));
            c.closed().get(10, TimeUnit.SECONDS);
            assertThrows(IllegalStateException.class, c::batch);
        }
    }
}
