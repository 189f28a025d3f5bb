package io.github.udpkit.core.transport;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.github.udpkit.api.Batch;
import io.github.udpkit.api.Codecs;
import io.github.udpkit.api.DeliveryMode;
import io.github.udpkit.api.Endpoint;
import io.github.udpkit.api.EndpointClosedException;
import io.github.udpkit.core.Udp;
import io.github.udpkit.core.protocol.EngineConfig;
import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * RAW batches on the batched Linux transport (FFM, JDK 22+): written many datagrams a system call
 * ({@code sendmmsg}, equal-sized runs as one GSO message) from any thread, they reach a plain
 * {@code DatagramChannel} as the separate datagrams they were, in order, and the endpoint's stats
 * count exactly those. On JDK 17 to 21, or off Linux x86-64/aarch64, it aborts with an assumption
 * that says so.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class RawBatchSendTest {

    private static final long WAIT_NANOS = TimeUnit.SECONDS.toNanos(10);

    private DatagramChannel plain;
    private InetSocketAddress plainAddress;

    @BeforeEach
    void needsTheBatchedTransport() throws IOException {
        assumeTrue(Runtime.version().feature() >= 22,
                "needs JDK 22+: the batched transport is in the jar's META-INF/versions/22; this is JDK "
                        + Runtime.version());
        String arch = System.getProperty("os.arch");
        assumeTrue(System.getProperty("os.name").equals("Linux") && (arch.equals("amd64") || arch.equals("aarch64")),
                "needs Linux on x86-64 or aarch64: " + System.getProperty("os.name") + " " + arch);
        plain = DatagramChannel.open(StandardProtocolFamily.INET);
        // Every datagram of a batch lands before the test reads one: room for all of them (the
        // kernel caps this at net.core.rmem_max, 4 MiB here and 208 KiB at least).
        plain.setOption(StandardSocketOptions.SO_RCVBUF, 4 << 20);
        plain.bind(new InetSocketAddress("127.0.0.1", 0));
        plainAddress = (InetSocketAddress) plain.getLocalAddress();
    }

    @AfterEach
    void closePlain() throws IOException {
        if (plain != null) {
            plain.close();
        }
    }

    private static Endpoint<byte[]> open() {
        Endpoint<byte[]> endpoint = Udp.endpoint(Codecs.bytes()).bind("127.0.0.1", 0).mode(DeliveryMode.RAW)
                .protocol(EngineConfig.builder().maxQueuedMessages(4096).build()).open();
        assertEquals(BatchedIoTest.BATCHED, endpoint.transport(), "the batched transport is chosen here");
        return endpoint;
    }

    private static byte[] pattern(int length, int seed) {
        byte[] bytes = new byte[length];
        new Random(seed).nextBytes(bytes);
        return bytes;
    }

    /** Sends the datagrams as one batch and checks that each arrived, alone, in order, and the stats. */
    private void sendAndCheck(Endpoint<byte[]> endpoint, List<byte[]> sent) throws Exception {
        endpoint.batch().addAll(sent).to(plainAddress).get(10, TimeUnit.SECONDS);
        assertArrivedInOrder(sent);
        long bytes = sent.stream().mapToLong(d -> d.length).sum();
        assertEquals(sent.size(), endpoint.stats().datagramsSent(), "datagrams counted");
        assertEquals(bytes, endpoint.stats().bytesSent(), "bytes counted");
        assertEquals(sent.size(), endpoint.stats().messagesSent(), "messages counted");
    }

    private void assertArrivedInOrder(List<byte[]> sent) throws IOException {
        List<byte[]> got = receive(sent.size());
        for (int i = 0; i < sent.size(); i++) {
            assertArrayEquals(sent.get(i), got.get(i), "datagram " + i + " of " + sent.size());
        }
        ByteBuffer extra = ByteBuffer.allocate(65_536);
        assertEquals(null, plain.receive(extra), "no datagram more than was sent");
    }

    /** Reads {@code count} datagrams from the plain channel, boundedly. */
    private List<byte[]> receive(int count) throws IOException {
        return PlainReceiver.receive(plain, count, WAIT_NANOS);
    }

    @Test
    void equalSizesWithAShorterTailArriveAsSeparateDatagrams() throws Exception {
        try (Endpoint<byte[]> endpoint = open()) {
            List<byte[]> sent = new ArrayList<>();
            for (int i = 0; i < 150; i++) { // more than one GSO message holds (64 segments, 64 KiB)
                sent.add(pattern(1_200, i));
            }
            sent.add(pattern(333, 150));
            sendAndCheck(endpoint, sent);
        }
    }

    @Test
    void mixedSizesArriveAsSeparateDatagrams() throws Exception {
        try (Endpoint<byte[]> endpoint = open()) {
            Random random = new Random(7);
            List<byte[]> sent = new ArrayList<>();
            while (sent.size() < 400) {
                // Runs of equal sizes, a size larger than the run's before and after it, and singles.
                int size = 1 + random.nextInt(1_400);
                int run = random.nextInt(4) == 0 ? 1 : 1 + random.nextInt(20);
                for (int i = 0; i < run; i++) {
                    sent.add(pattern(size, sent.size()));
                }
            }
            sent.add(pattern(65_507, 999)); // the largest a datagram can be, alone in its message
            sent.add(pattern(1, 1_000));
            sendAndCheck(endpoint, sent);
        }
    }

    @Test
    void aBatchLargerThanOneSystemCallTakesArrivesWholeAndInOrder() throws Exception {
        try (Endpoint<byte[]> endpoint = open()) {
            List<byte[]> sent = new ArrayList<>();
            for (int i = 0; i < 3_000; i++) { // 1.2 MB: several native areas' worth, and 512 datagrams a call at most
                sent.add(pattern(i % 500 == 499 ? 100 : 400, i));
            }
            sendAndCheck(endpoint, sent);
        }
    }

    @Test
    void aVirtualThreadSendsABatch() throws Throwable {
        ExecutorService virtualThreads = (ExecutorService) MethodHandles.publicLookup()
                .findStatic(java.util.concurrent.Executors.class, "newVirtualThreadPerTaskExecutor",
                        MethodType.methodType(ExecutorService.class))
                .invoke();
        try (Endpoint<byte[]> endpoint = open()) {
            List<List<byte[]>> batches = new ArrayList<>();
            for (int b = 0; b < 20; b++) {
                List<byte[]> batch = new ArrayList<>();
                for (int i = 0; i < 50; i++) {
                    batch.add(pattern(b % 2 == 0 ? 700 : 64 + i, b * 1_000 + i));
                }
                batches.add(batch);
            }
            // One virtual thread a batch, one after the other: each a thread that lives for one send.
            for (List<byte[]> batch : batches) {
                Future<Boolean> sent = virtualThreads.submit(() -> {
                    endpoint.batch().addAll(batch).to(plainAddress).get(10, TimeUnit.SECONDS);
                    return isVirtual(Thread.currentThread());
                });
                assertTrue(sent.get(10, TimeUnit.SECONDS), "sent from a virtual thread");
            }
            List<byte[]> all = new ArrayList<>();
            batches.forEach(all::addAll);
            assertArrivedInOrder(all);
            assertEquals(all.size(), endpoint.stats().datagramsSent());
            assertEquals(all.stream().mapToLong(d -> d.length).sum(), endpoint.stats().bytesSent());
        } finally {
            virtualThreads.shutdownNow();
        }
    }

    /** {@code Thread.isVirtual()}, which this test, compiled for Java 17, reaches by a method handle. */
    private static boolean isVirtual(Thread thread) throws Exception {
        try {
            return (boolean) MethodHandles.publicLookup()
                    .findVirtual(Thread.class, "isVirtual", MethodType.methodType(boolean.class)).invoke(thread);
        } catch (Exception | Error e) {
            throw e;
        } catch (Throwable e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void aBatchAfterCloseFailsWithEndpointClosed() {
        Endpoint<byte[]> endpoint = open();
        Batch<byte[]> batch = endpoint.batch().add(pattern(100, 1)).add(pattern(100, 2));
        endpoint.close();
        assertThrows(EndpointClosedException.class, () -> batch.to(plainAddress));
    }

    @Test
    void aTransportClosedUnderTheSenderFailsWithEndpointClosed() throws IOException {
        EndpointSettings<byte[]> settings = BatchedIoTest.settings(new InetSocketAddress("127.0.0.1", 0), true);
        DatagramIo io = DatagramIoFactory.open(settings);
        assertEquals(BatchedIoTest.BATCHED, io.name());
        RawSender sender = new RawSender(io, io.localAddress(), settings.sendTimeout(),
                settings.sendTimeout().toNanos(), () -> new EndpointClosedException("closed for the test"));
        io.close(); // as when the endpoint closes while a caller's batch is on its way in
        EndpointClosedException e = assertThrows(EndpointClosedException.class,
                () -> sender.sendBatch(new byte[] {1, 2, 3}, new int[] {1, 3}, 2, plainAddress));
        assertEquals("closed for the test", e.getMessage());
        assertEquals(0, sender.datagramsSent());
    }
}
