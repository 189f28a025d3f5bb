package io.github.udpkit.core;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.udpkit.api.Codecs;
import io.github.udpkit.api.DeliveryMode;
import io.github.udpkit.api.Endpoint;
import io.github.udpkit.api.EndpointClosedException;
import io.github.udpkit.api.EndpointListener;
import io.github.udpkit.api.Message;
import io.github.udpkit.api.MessageTooLargeException;
import io.github.udpkit.api.ReceiveTimeoutException;
import io.github.udpkit.api.UdpIoException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class RawEndpointTest {

    private static final Duration WAIT = Duration.ofSeconds(5);

    private static Endpoint<String> openLoopback() {
        return Udp.endpoint(Codecs.utf8()).bind("127.0.0.1", 0).open();
    }

    @Test
    void shouldExchangeMessagesOnLoopback() {
        try (Endpoint<String> server = openLoopback(); Endpoint<String> client = openLoopback()) {
            assertNotEquals(0, server.localAddress().getPort(), "an ephemeral port is read back");
            client.send("hello").to("127.0.0.1", server.localAddress().getPort()).join();

            Message<String> m = server.receive(WAIT);
            assertEquals("hello", m.payload());
            assertEquals(client.localAddress(), m.sender());
            assertEquals(server.localAddress(), m.recipient());
            assertEquals(DeliveryMode.RAW, m.mode());

            server.send(m.payload().toUpperCase()).to(m.sender());
            assertEquals("HELLO", client.receive(WAIT).payload());
            assertEquals(1, server.stats().datagramsReceived());
            assertEquals(5, server.stats().bytesReceived());
            assertEquals(1, client.stats().datagramsSent());
        }
    }

    @Test
    void shouldSendToTheConnectedPeer() {
        try (Endpoint<String> server = openLoopback();
             Endpoint<String> client = Udp.endpoint(Codecs.utf8()).bind("127.0.0.1", 0)
                     .connect(server.localAddress()).open()) {
            assertEquals(server.localAddress(), client.peer().orElseThrow());
            client.send("to the peer").toPeer();
            assertEquals("to the peer", server.receive(WAIT).payload());
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> server.send("x").toPeer());
            assertTrue(e.getMessage().contains("without a peer"), e.getMessage());
        }
    }

    @Test
    void shouldExchangeMessagesWhenBusySpinning() {
        try (Endpoint<String> server = Udp.endpoint(Codecs.utf8()).bind("127.0.0.1", 0).busySpin().open();
             Endpoint<String> client = openLoopback()) {
            server.onMessage(m -> server.send(m.payload().toUpperCase()).to(m.sender()));
            for (int i = 0; i < 3; i++) {
                client.send("spin" + i).to(server.localAddress());
                assertEquals("SPIN" + i, client.receive(WAIT).payload());
            }
        }
    }

    @Test
    void shouldExchangeMessagesWhenSleepingAtOnce() {
        try (Endpoint<String> server = Udp.endpoint(Codecs.utf8()).bind("127.0.0.1", 0).idleSpin(Duration.ZERO).open();
             Endpoint<String> client = Udp.endpoint(Codecs.utf8()).bind("127.0.0.1", 0).idleSpin(Duration.ZERO).open()) {
            server.onMessage(m -> server.send(m.payload().toUpperCase()).to(m.sender()));
            for (int i = 0; i < 3; i++) {
                client.send("sleep" + i).to(server.localAddress());
                assertEquals("SLEEP" + i, client.receive(WAIT).payload());
            }
        }
    }

    @Test
    void shouldRefuseAnIdleSpinOutOfRange() {
        IllegalArgumentException negative = assertThrows(IllegalArgumentException.class,
                () -> Udp.endpoint(Codecs.utf8()).idleSpin(Duration.ofNanos(-1)));
        assertTrue(negative.getMessage().contains("PT-0.000000001S"), negative.getMessage());
        IllegalArgumentException tooLong = assertThrows(IllegalArgumentException.class,
                () -> Udp.endpoint(Codecs.utf8()).idleSpin(Duration.ofDays(1)));
        assertTrue(tooLong.getMessage().contains("PT24H"), tooLong.getMessage());
    }

    @Test
    void shouldSendEachDatagramWholeWhatEverSizeCameBefore() {
        // One sending thread reuses one buffer: a short datagram after a long one must not carry its tail.
        try (Endpoint<byte[]> server = Udp.endpoint(Codecs.bytes()).bind("127.0.0.1", 0).open();
             Endpoint<byte[]> client = Udp.endpoint(Codecs.bytes()).bind("127.0.0.1", 0).open()) {
            int[] sizes = {10, 5_000, 3, 0, 2_049, 64};
            for (int size : sizes) {
                byte[] payload = new byte[size];
                java.util.Arrays.fill(payload, (byte) size);
                client.send(payload).to(server.localAddress()).join();
            }
            for (int size : sizes) {
                byte[] expected = new byte[size];
                java.util.Arrays.fill(expected, (byte) size);
                assertArrayEquals(expected, server.receive(WAIT).payload(), "datagram of " + size + " bytes");
            }
        }
    }

    @Test
    void shouldSendFromVirtualThreads() throws Exception {
        java.lang.reflect.Method start;
        try {
            start = Thread.class.getMethod("startVirtualThread", Runnable.class);
        } catch (NoSuchMethodException e) {
            Assumptions.abort("virtual threads need JDK 21 or later; this is " + Runtime.version());
            return;
        }
        try (Endpoint<String> server = openLoopback(); Endpoint<String> client = openLoopback()) {
            List<Thread> senders = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                String text = "virtual" + i;
                senders.add((Thread) start.invoke(null, (Runnable) () -> client.send(text).to(server.localAddress()).join()));
            }
            for (Thread sender : senders) {
                sender.join(WAIT.toMillis());
                assertFalse(sender.isAlive(), "a virtual sender still running after " + WAIT);
            }
            List<String> received = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                received.add(server.receive(WAIT).payload());
            }
            received.sort(null);
            List<String> expected = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                expected.add("virtual" + i);
            }
            expected.sort(null);
            assertEquals(expected, received);
        }
    }

    @Test
    void shouldWorkOverIpv6() throws Exception {
        Assumptions.assumeTrue(ipv6LoopbackAvailable(), "no IPv6 loopback on this machine");
        try (Endpoint<String> server = Udp.endpoint(Codecs.utf8()).bind("::1", 0).open();
             Endpoint<String> client = Udp.endpoint(Codecs.utf8()).bind("::1", 0).open()) {
            client.send("over v6").to("[::1]", server.localAddress().getPort());
            Message<String> m = server.receive(WAIT);
            assertEquals("over v6", m.payload());
            assertEquals(InetAddress.getByName("::1"), m.sender().getAddress());
        }
    }

    @Test
    void shouldCarryTheLargestDatagramIntact() {
        byte[] largest = new byte[Endpoint.MAX_DATAGRAM_PAYLOAD];
        for (int i = 0; i < largest.length; i++) {
            largest[i] = (byte) (i * 31);
        }
        try (Endpoint<byte[]> server = Udp.endpoint(Codecs.bytes()).bind("127.0.0.1", 0).receiveBufferSize(1 << 20).open();
             Endpoint<byte[]> client = Udp.endpoint(Codecs.bytes()).bind("127.0.0.1", 0).open()) {
            client.send(largest).to(server.localAddress()).join();
            assertArrayEquals(largest, server.receive(WAIT).payload());
        }
    }

    @Test
    void shouldRefuseAnOversizedSendAndCountIt() {
        try (Endpoint<byte[]> client = Udp.endpoint(Codecs.bytes()).bind("127.0.0.1", 0).open()) {
            MessageTooLargeException e = assertThrows(MessageTooLargeException.class,
                    () -> client.send(new byte[Endpoint.MAX_DATAGRAM_PAYLOAD + 1]).to("127.0.0.1", 9));
            assertTrue(e.getMessage().contains("65508 bytes"), e.getMessage());
            assertEquals(1, client.stats().oversized());
            assertEquals(0, client.stats().datagramsSent());
        }
    }

    @Test
    void shouldDropDatagramsAboveTheConfiguredLimit() throws Exception {
        try (Endpoint<byte[]> server = Udp.endpoint(Codecs.bytes()).bind("127.0.0.1", 0).maxMessageSize(100).open();
             DatagramChannel raw = DatagramChannel.open(StandardProtocolFamily.INET)) {
            raw.send(ByteBuffer.allocate(101), server.localAddress());
            raw.send(ByteBuffer.wrap(new byte[] {7}), server.localAddress());
            assertArrayEquals(new byte[] {7}, server.receive(WAIT).payload());
            assertEquals(1, server.stats().oversized());
        }
    }

    @Test
    void shouldCountUndecodableDatagramsAndKeepReceiving() throws Exception {
        try (Endpoint<String> server = openLoopback();
             DatagramChannel raw = DatagramChannel.open(StandardProtocolFamily.INET)) {
            raw.send(ByteBuffer.wrap(new byte[] {(byte) 0xC3, (byte) 0x28}), server.localAddress());
            raw.send(ByteBuffer.wrap("still alive".getBytes(StandardCharsets.UTF_8)), server.localAddress());
            assertEquals("still alive", server.receive(WAIT).payload());
            assertEquals(1, server.stats().decodeFailures());
            assertEquals(2, server.stats().datagramsReceived());
        }
    }

    @Test
    void shouldTalkToAPlainDatagramChannel() throws Exception {
        try (Endpoint<String> server = openLoopback();
             DatagramChannel raw = DatagramChannel.open(StandardProtocolFamily.INET)) {
            raw.bind(new InetSocketAddress("127.0.0.1", 0));
            raw.send(ByteBuffer.wrap("plain".getBytes(StandardCharsets.UTF_8)), server.localAddress());
            Message<String> m = server.receive(WAIT);
            server.send(m.payload() + "!").to(m.sender());
            ByteBuffer reply = ByteBuffer.allocate(100);
            raw.receive(reply);
            assertEquals("plain!", new String(reply.array(), 0, reply.position(), StandardCharsets.UTF_8));
        }
    }

    @Test
    void shouldTimeOutAReceiveThatGetsNothing() {
        try (Endpoint<String> server = openLoopback()) {
            ReceiveTimeoutException e = assertThrows(ReceiveTimeoutException.class,
                    () -> server.receive(Duration.ofMillis(50)));
            assertTrue(e.getMessage().contains(String.valueOf(server.localAddress().getPort())), e.getMessage());
            assertTrue(server.poll().isEmpty());
        }
    }

    @Test
    void shouldHandQueuedMessagesToANewHandlerInOrder() throws Exception {
        try (Endpoint<String> server = openLoopback(); Endpoint<String> client = openLoopback()) {
            for (int i = 0; i < 5; i++) {
                client.send("m" + i).to(server.localAddress());
            }
            awaitTrue(() -> server.stats().messagesDelivered() == 5);
            List<String> seen = new CopyOnWriteArrayList<>();
            CountDownLatch all = new CountDownLatch(8);
            server.onMessage(m -> {
                seen.add(m.payload());
                all.countDown();
            });
            for (int i = 5; i < 8; i++) {
                client.send("m" + i).to(server.localAddress());
            }
            assertTrue(all.await(5, TimeUnit.SECONDS));
            assertEquals(List.of("m0", "m1", "m2", "m3", "m4", "m5", "m6", "m7"), seen);
            assertThrows(IllegalStateException.class, () -> server.receive(Duration.ZERO));
        }
    }

    @Test
    void shouldReportHandlerFailuresAndKeepDelivering() throws Exception {
        List<Throwable> errors = new CopyOnWriteArrayList<>();
        CountDownLatch second = new CountDownLatch(1);
        try (Endpoint<String> server = Udp.endpoint(Codecs.utf8()).bind("127.0.0.1", 0)
                .listener(new EndpointListener() {
                    @Override
                    public void onError(Throwable error) {
                        errors.add(error);
                    }
                }).open();
             Endpoint<String> client = openLoopback()) {
            server.onMessage(m -> {
                if (m.payload().equals("boom")) {
                    throw new IllegalStateException("handler failed on purpose");
                }
                second.countDown();
            });
            client.send("boom").to(server.localAddress());
            client.send("fine").to(server.localAddress());
            assertTrue(second.await(5, TimeUnit.SECONDS));
            assertEquals(1, errors.size());
            assertEquals("handler failed on purpose", errors.get(0).getMessage());
        }
    }

    @Test
    void shouldDropAndCountWhenTheInboxIsFull() throws Exception {
        try (Endpoint<String> server = Udp.endpoint(Codecs.utf8()).bind("127.0.0.1", 0).receiveQueueCapacity(3).open();
             Endpoint<String> client = openLoopback()) {
            for (int i = 0; i < 5; i++) {
                client.send("m" + i).to(server.localAddress());
            }
            awaitTrue(() -> server.stats().datagramsReceived() == 5);
            assertEquals(2, server.stats().receiveQueueDrops());
            assertEquals("m0", server.receive(WAIT).payload());
        }
    }

    @Test
    void shouldCloseIdempotentlyAndReleaseThePortAtOnce() throws Exception {
        Endpoint<String> server = openLoopback();
        int port = server.localAddress().getPort();
        server.close();
        server.close();
        assertFalse(server.isOpen());
        assertThrows(EndpointClosedException.class, () -> server.receive(Duration.ZERO));
        assertThrows(EndpointClosedException.class, () -> server.send("late"));
        try (Endpoint<String> again = Udp.endpoint(Codecs.utf8()).bind("127.0.0.1", port).open()) {
            assertEquals(port, again.localAddress().getPort());
        }
    }

    @Test
    void shouldWakeABlockedReceiverOnClose() throws Exception {
        Endpoint<String> server = openLoopback();
        CompletableFuture<Throwable> outcome = new CompletableFuture<>();
        Thread receiver = new Thread(() -> {
            try {
                server.receive(Duration.ofSeconds(20));
                outcome.complete(null);
            } catch (RuntimeException e) {
                outcome.complete(e);
            }
        }, "blocked-receiver");
        receiver.start();
        awaitTrue(() -> receiver.getState() == Thread.State.TIMED_WAITING);
        server.close();
        assertInstanceOf(EndpointClosedException.class, outcome.get(10, TimeUnit.SECONDS));
    }

    @Test
    void shouldReportAPortInUseWithTheBindException() throws Exception {
        try (DatagramChannel squatter = DatagramChannel.open(StandardProtocolFamily.INET)) {
            squatter.bind(new InetSocketAddress("127.0.0.1", 0));
            int port = ((InetSocketAddress) squatter.getLocalAddress()).getPort();
            UdpIoException e = assertThrows(UdpIoException.class,
                    () -> Udp.endpoint(Codecs.utf8()).bind("127.0.0.1", port).open());
            assertInstanceOf(BindException.class, e.getCause());
            assertTrue(e.getMessage().contains(String.valueOf(port)), e.getMessage());
        }
    }

    @Test
    void shouldNameBadArgumentsAtOnce() {
        IllegalArgumentException port = assertThrows(IllegalArgumentException.class,
                () -> Udp.endpoint(Codecs.utf8()).bind(70000));
        assertTrue(port.getMessage().contains("70000"), port.getMessage());
        IllegalArgumentException host = assertThrows(IllegalArgumentException.class,
                () -> Udp.endpoint(Codecs.utf8()).connect("no-such-host.invalid", 12000));
        assertTrue(host.getMessage().contains("no-such-host.invalid"), host.getMessage());
        try (Endpoint<String> client = openLoopback()) {
            IllegalArgumentException zero = assertThrows(IllegalArgumentException.class,
                    () -> client.send("x").to("127.0.0.1", 0));
            assertTrue(zero.getMessage().contains("0"), zero.getMessage());
            assertThrows(IllegalArgumentException.class, () -> client.send("x").mode(DeliveryMode.RELIABLE));
        }
        assertThrows(IllegalArgumentException.class,
                () -> Udp.endpoint(Codecs.utf8()).maxMessageSize(70_000).open());
    }

    @Test
    void shouldCountMessagesFromManySenders() throws Exception {
        try (Endpoint<String> server = openLoopback()) {
            List<Endpoint<String>> clients = new ArrayList<>();
            try {
                for (int i = 0; i < 4; i++) {
                    clients.add(openLoopback());
                }
                for (Endpoint<String> c : clients) {
                    for (int i = 0; i < 10; i++) {
                        c.send("x" + i).to(server.localAddress());
                    }
                }
                awaitTrue(() -> server.stats().messagesDelivered() == 40);
            } finally {
                clients.forEach(Endpoint::close);
            }
        }
    }

    private static boolean ipv6LoopbackAvailable() {
        try (DatagramChannel probe = DatagramChannel.open(StandardProtocolFamily.INET6)) {
            probe.bind(new InetSocketAddress("::1", 0));
            return true;
        } catch (Exception | Error e) {
            return false;
        }
    }

    /** Waits for a condition the I/O thread makes true, boundedly; no sleeping as synchronisation. */
    static void awaitTrue(BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError("condition not met within " + WAIT);
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
            if (Thread.interrupted()) {
                throw new InterruptedException();
            }
        }
    }
}
