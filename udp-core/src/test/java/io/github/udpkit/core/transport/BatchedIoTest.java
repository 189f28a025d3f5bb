package io.github.udpkit.core.transport;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.github.udpkit.api.Codecs;
import io.github.udpkit.api.DeliveryMode;
import io.github.udpkit.api.Endpoint;
import io.github.udpkit.api.EndpointListener;
import io.github.udpkit.api.Message;
import io.github.udpkit.core.Udp;
import io.github.udpkit.core.protocol.EngineConfig;
import io.github.udpkit.core.security.AddressFilter;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The batched Linux transport (FFM, JDK 22+): that it is chosen, that it can be turned off, and
 * that what it batches (GSO runs, sendmmsg of mixed datagrams, GRO'd receipts) arrives as the
 * separate datagrams that were sent. Compiled for Java 17, it reaches the transport through the
 * base tree's seam and the public API; on JDK 17 to 21, or off Linux x86-64/aarch64, it aborts
 * with an assumption that says so.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class BatchedIoTest {

    /** The name the batched transport gives itself on a kernel with GSO and GRO (Linux 5.0+). */
    static final String BATCHED = "linux-ffm (sendmmsg, GSO, recvmmsg, GRO)";
    private static final Duration WAIT = Duration.ofSeconds(5);
    private static final long WAIT_NANOS = TimeUnit.SECONDS.toNanos(5);

    @BeforeEach
    void needsTheBatchedTransport() {
        assumeTrue(Runtime.version().feature() >= 22,
                "needs JDK 22+: the batched transport is in the jar's META-INF/versions/22; this is JDK "
                        + Runtime.version());
        String arch = System.getProperty("os.arch");
        assumeTrue(System.getProperty("os.name").equals("Linux") && (arch.equals("amd64") || arch.equals("aarch64")),
                "needs Linux on x86-64 or aarch64: " + System.getProperty("os.name") + " " + arch);
    }

    static EndpointSettings<byte[]> settings(InetSocketAddress bind, boolean batched) {
        return new EndpointSettings<>(Codecs.bytes(), bind, null, DeliveryMode.RAW, 1 << 20, 1 << 20, false, 1024,
                65_507, Duration.ofSeconds(5), false, false, Duration.ZERO, new EndpointListener() { },
                EngineConfig.defaults(), AddressFilter.allowAll(), null, Impairments.none(),
                EndpointSettings.Multicast.NONE, false, null, null, batched);
    }

    private static DatagramIo openIo(String host) throws IOException {
        DatagramIo io = DatagramIoFactory.open(settings(new InetSocketAddress(host, 0), true));
        assertEquals(BATCHED, io.name(), "the batched transport is chosen on this JDK and system");
        return io;
    }

    private static byte[] pattern(int length, int seed) {
        byte[] bytes = new byte[length];
        new Random(seed).nextBytes(bytes);
        return bytes;
    }

    /** Reads with the transport until {@code count} datagrams came, each with its source; bounded. */
    private static List<byte[]> receiveAll(DatagramIo io, int count, InetSocketAddress expectedSource) throws IOException {
        List<byte[]> got = new ArrayList<>();
        ByteBuffer buffer = ByteBuffer.allocate(65_536);
        long deadline = System.nanoTime() + WAIT_NANOS;
        while (got.size() < count && System.nanoTime() - deadline < 0) {
            buffer.clear();
            InetSocketAddress from = io.receive(buffer);
            if (from == null) {
                io.await(100);
                continue;
            }
            assertEquals(expectedSource, from);
            buffer.flip();
            byte[] bytes = new byte[buffer.remaining()];
            buffer.get(bytes);
            got.add(bytes);
        }
        assertEquals(count, got.size(), "datagrams received in time");
        return got;
    }

    private static List<byte[]> receiveAll(DatagramChannel channel, int count) throws IOException {
        return PlainReceiver.receive(channel, count, WAIT_NANOS);
    }

    @Test
    void endpointsChooseTheBatchedTransport() {
        try (Endpoint<String> endpoint = Udp.endpoint(Codecs.utf8()).bind("127.0.0.1", 0).open()) {
            assertEquals(BATCHED, endpoint.transport());
        }
    }

    @Test
    void theBuilderTurnsItOff() {
        try (Endpoint<String> endpoint = Udp.endpoint(Codecs.utf8()).bind("127.0.0.1", 0).batchedIo(false).open()) {
            assertEquals("jdk", endpoint.transport());
        }
    }

    @Test
    void theSystemPropertyTurnsItOff() {
        String before = System.getProperty(DatagramIoFactory.TRANSPORT_PROPERTY);
        System.setProperty(DatagramIoFactory.TRANSPORT_PROPERTY, "jdk");
        try (Endpoint<String> endpoint = Udp.endpoint(Codecs.utf8()).bind("127.0.0.1", 0).open()) {
            assertEquals("jdk", endpoint.transport());
        } finally {
            restore(before);
        }
    }

    @Test
    void aPropertyNamingNoTransportIsRefused() {
        String before = System.getProperty(DatagramIoFactory.TRANSPORT_PROPERTY);
        System.setProperty(DatagramIoFactory.TRANSPORT_PROPERTY, "epoll");
        try {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> Udp.endpoint(Codecs.utf8()).bind("127.0.0.1", 0).open());
            assertTrue(e.getMessage().contains("epoll"), e.getMessage());
        } finally {
            restore(before);
        }
    }

    private static void restore(String before) {
        if (before == null) {
            System.clearProperty(DatagramIoFactory.TRANSPORT_PROPERTY);
        } else {
            System.setProperty(DatagramIoFactory.TRANSPORT_PROPERTY, before);
        }
    }

    @Test
    void reliableMessagesRoundTripOnTheBatchedTransport() {
        try (Endpoint<byte[]> server = Udp.endpoint(Codecs.bytes()).bind("127.0.0.1", 0).mode(DeliveryMode.RELIABLE).open();
             Endpoint<byte[]> client = Udp.endpoint(Codecs.bytes()).bind("127.0.0.1", 0).mode(DeliveryMode.RELIABLE).open()) {
            assertEquals(BATCHED, server.transport());
            assertEquals(BATCHED, client.transport());
            // Small ones that pack, equal ones that make GSO runs, and one that is fragmented.
            List<byte[]> sent = new ArrayList<>();
            for (int i = 0; i < 300; i++) {
                sent.add(pattern(i % 3 == 0 ? 64 : i % 3 == 1 ? 1_100 : 1 + i, i));
            }
            sent.add(pattern(20_000, 999));
            for (byte[] message : sent) {
                client.send(message).to(server.localAddress());
            }
            for (byte[] message : sent) {
                Message<byte[]> got = server.receive(WAIT);
                assertArrayEquals(message, got.payload());
                assertEquals(client.localAddress(), got.sender());
            }
            server.send(pattern(10, 1)).to(client.localAddress()).join();
            assertArrayEquals(pattern(10, 1), client.receive(WAIT).payload());
        }
    }

    @Test
    void rawDatagramsRoundTripWithAPlainChannel() throws IOException {
        try (Endpoint<byte[]> endpoint = Udp.endpoint(Codecs.bytes()).bind("127.0.0.1", 0).open();
             DatagramChannel plain = DatagramChannel.open(StandardProtocolFamily.INET)) {
            assertEquals(BATCHED, endpoint.transport());
            plain.bind(new InetSocketAddress("127.0.0.1", 0));
            InetSocketAddress plainAddress = (InetSocketAddress) plain.getLocalAddress();
            for (int i = 0; i < 20; i++) {
                plain.send(ByteBuffer.wrap(pattern(i * 50, i)), endpoint.localAddress());
            }
            for (int i = 0; i < 20; i++) {
                Message<byte[]> got = endpoint.receive(WAIT);
                assertArrayEquals(pattern(i * 50, i), got.payload());
                assertEquals(plainAddress, got.sender());
            }
            for (int i = 0; i < 20; i++) {
                endpoint.send(pattern(i * 70, i)).to(plainAddress).join();
            }
            List<byte[]> got = receiveAll(plain, 20);
            for (int i = 0; i < 20; i++) {
                assertArrayEquals(pattern(i * 70, i), got.get(i));
            }
        }
    }

    @Test
    void aGsoRunWithAShorterTailArrivesAsSeparateDatagrams() throws IOException {
        try (DatagramIo io = openIo("127.0.0.1"); DatagramChannel plain = DatagramChannel.open(StandardProtocolFamily.INET)) {
            plain.bind(new InetSocketAddress("127.0.0.1", 0));
            InetSocketAddress to = (InetSocketAddress) plain.getLocalAddress();
            List<byte[]> sent = new ArrayList<>();
            for (int i = 0; i < 40; i++) {
                sent.add(pattern(1_200, i));
            }
            sent.add(pattern(333, 40)); // the shorter tail, in the same GSO message
            for (int i = 0; i < 10; i++) {
                sent.add(pattern(64, 100 + i)); // a second run, of another size
            }
            for (byte[] datagram : sent) {
                assertTrue(io.queue(ByteBuffer.wrap(datagram), to));
            }
            io.flush();
            List<byte[]> got = receiveAll(plain, sent.size());
            for (int i = 0; i < sent.size(); i++) {
                assertArrayEquals(sent.get(i), got.get(i), "datagram " + i);
            }
        }
    }

    @Test
    void aGsoBatchIsSplitAgainAtAGroReceiver() throws IOException {
        try (DatagramIo sender = openIo("127.0.0.1"); DatagramIo receiver = openIo("127.0.0.1")) {
            List<byte[]> sent = new ArrayList<>();
            for (int i = 0; i < 50; i++) {
                sent.add(pattern(i == 49 ? 500 : 1_000, i));
            }
            for (byte[] datagram : sent) {
                sender.queue(ByteBuffer.wrap(datagram), receiver.localAddress());
            }
            sender.flush();
            List<byte[]> got = receiveAll(receiver, sent.size(), sender.localAddress());
            for (int i = 0; i < sent.size(); i++) {
                assertArrayEquals(sent.get(i), got.get(i), "datagram " + i);
            }
            assertTrue(receiver.coalescedDatagrams() > 0,
                    "the kernel joined the run (GRO) and the transport split it: " + receiver.coalescedDatagrams());
        }
    }

    @Test
    void mixedSizesToSeveralPeersGoOutInOneFlush() throws IOException {
        int peers = 3;
        List<DatagramChannel> receivers = new ArrayList<>();
        try (DatagramIo io = openIo("127.0.0.1")) {
            List<List<byte[]>> expected = new ArrayList<>();
            for (int p = 0; p < peers; p++) {
                DatagramChannel channel = DatagramChannel.open(StandardProtocolFamily.INET);
                receivers.add(channel);
                channel.bind(new InetSocketAddress("127.0.0.1", 0));
                expected.add(new ArrayList<>());
            }
            Random random = new Random(13);
            for (int i = 0; i < 150; i++) {
                int p = random.nextInt(peers);
                byte[] datagram = pattern(random.nextBoolean() ? 700 : 1 + random.nextInt(1_400), i);
                expected.get(p).add(datagram);
                io.queue(ByteBuffer.wrap(datagram), (InetSocketAddress) receivers.get(p).getLocalAddress());
            }
            io.flush();
            for (int p = 0; p < peers; p++) {
                List<byte[]> got = receiveAll(receivers.get(p), expected.get(p).size());
                for (int i = 0; i < got.size(); i++) {
                    assertArrayEquals(expected.get(p).get(i), got.get(i), "peer " + p + " datagram " + i);
                }
            }
        } finally {
            for (DatagramChannel channel : receivers) {
                channel.close();
            }
        }
    }

    @Test
    void ipv6LoopbackWorks() throws IOException {
        InetAddress loopback6;
        try (DatagramChannel probe = DatagramChannel.open(StandardProtocolFamily.INET6)) {
            probe.bind(new InetSocketAddress("::1", 0));
            loopback6 = InetAddress.getByName("::1");
        } catch (IOException | UnsupportedOperationException e) {
            assumeTrue(false, "needs IPv6 loopback (::1), which this machine lacks: " + e);
            return;
        }
        try (Endpoint<byte[]> server = Udp.endpoint(Codecs.bytes()).bind("::1", 0).mode(DeliveryMode.RELIABLE).open();
             Endpoint<byte[]> client = Udp.endpoint(Codecs.bytes()).bind("::1", 0).mode(DeliveryMode.RELIABLE).open()) {
            assertEquals(BATCHED, server.transport());
            assertEquals(loopback6, server.localAddress().getAddress());
            for (int i = 0; i < 50; i++) {
                client.send(pattern(900, i)).to(server.localAddress());
            }
            for (int i = 0; i < 50; i++) {
                Message<byte[]> got = server.receive(WAIT);
                assertArrayEquals(pattern(900, i), got.payload());
                assertEquals(client.localAddress(), got.sender());
            }
        }
    }

    @Test
    void aDualStackEndpointServesIpv4Peers() throws IOException {
        try (Endpoint<byte[]> endpoint = Udp.endpoint(Codecs.bytes()).bind(0).open();
             DatagramChannel plain = DatagramChannel.open(StandardProtocolFamily.INET)) {
            assertEquals(BATCHED, endpoint.transport());
            plain.bind(new InetSocketAddress("127.0.0.1", 0));
            plain.send(ByteBuffer.wrap(new byte[] {1, 2, 3}), new InetSocketAddress("127.0.0.1", endpoint.localAddress().getPort()));
            Message<byte[]> got = endpoint.receive(WAIT);
            assertArrayEquals(new byte[] {1, 2, 3}, got.payload());
            assertEquals(plain.getLocalAddress(), got.sender(), "an IPv4 peer is named by its IPv4 address");
            endpoint.send(new byte[] {4, 5}).to(got.sender()).join();
            List<byte[]> back = receiveAll(plain, 1);
            assertNotNull(back.get(0));
            assertEquals(Arrays.toString(new byte[] {4, 5}), Arrays.toString(back.get(0)));
        }
    }
}
