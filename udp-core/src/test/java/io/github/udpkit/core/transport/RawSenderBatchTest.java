package io.github.udpkit.core.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.udpkit.api.BackPressureException;
import io.github.udpkit.api.EndpointClosedException;
import io.github.udpkit.api.UdpIoException;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.DatagramChannel;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@link RawSender}'s batched path against a scripted transport that writes many datagrams a call:
 * partial writes, a full send buffer (a bounded wait, then {@link BackPressureException}), an error
 * on one datagram, and a close, each with the stats exact. Needs no socket, so it runs on every JDK.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class RawSenderBatchTest {

    private static final InetSocketAddress LOCAL = new InetSocketAddress("127.0.0.1", 1);
    private static final InetSocketAddress PEER = new InetSocketAddress("127.0.0.1", 2);
    /** Ten datagrams of 1 to 10 bytes: datagram i ends at ends[i]. */
    private static final int[] ENDS = {1, 3, 6, 10, 15, 21, 28, 36, 45, 55};
    private static final byte[] PAYLOAD = new byte[55];

    /** What the scripted transport does on each call: write n datagrams, or 0 (full), or throw. */
    private static final class ScriptedIo implements DatagramIo {
        final Deque<Object> script = new ArrayDeque<>();
        final List<Integer> firsts = new ArrayList<>();

        @Override
        public boolean sendsBatches() {
            return true;
        }

        @Override
        public int sendNow(byte[] payload, int[] ends, int first, int count, InetSocketAddress to) throws IOException {
            firsts.add(first);
            Object next = script.isEmpty() ? Integer.valueOf(count - first) : script.poll();
            if (next instanceof IOException) {
                throw (IOException) next;
            }
            return Math.min((Integer) next, count - first);
        }

        @Override
        public String name() {
            return "scripted";
        }

        @Override
        public InetSocketAddress localAddress() {
            return LOCAL;
        }

        @Override
        public InetSocketAddress receive(ByteBuffer buffer) {
            throw new UnsupportedOperationException("the sender does not read");
        }

        @Override
        public boolean queue(ByteBuffer datagram, InetSocketAddress to) {
            throw new UnsupportedOperationException("RAW batches are not queued");
        }

        @Override
        public void flush() {
        }

        @Override
        public int sendNow(ByteBuffer datagram, InetSocketAddress to) {
            throw new UnsupportedOperationException("a batched transport takes RAW batches whole");
        }

        @Override
        public void readInterest(boolean on) {
        }

        @Override
        public void await(long timeoutMillis) {
        }

        @Override
        public void wakeup() {
        }

        @Override
        public DatagramChannel channel() {
            return null;
        }

        @Override
        public void close() {
        }
    }

    private static RawSender sender(ScriptedIo io, Duration timeout) {
        return new RawSender(io, LOCAL, timeout, timeout.toNanos(), () -> new EndpointClosedException("closed"));
    }

    @Test
    void partialWritesGoOnFromWhereTheyStoppedAndCountExactly() {
        ScriptedIo io = new ScriptedIo();
        io.script.add(3);
        io.script.add(0); // a full buffer for a moment
        io.script.add(4);
        RawSender sender = sender(io, Duration.ofSeconds(5));
        sender.sendBatch(PAYLOAD, ENDS, 10, PEER).join();
        assertEquals(List.of(0, 3, 3, 7), io.firsts);
        assertEquals(10, sender.datagramsSent());
        assertEquals(55, sender.bytesSent());
    }

    @Test
    void aFailedDatagramFailsTheFutureAndTheRestStillGo() {
        ScriptedIo io = new ScriptedIo();
        io.script.add(2);
        io.script.add(new IOException("sendmmsg: Operation not permitted"));
        RawSender sender = sender(io, Duration.ofSeconds(5));
        CompletableFuture<Void> sent = sender.sendBatch(PAYLOAD, ENDS, 10, PEER);
        CompletionException e = assertThrows(CompletionException.class, sent::join);
        assertInstanceOf(UdpIoException.class, e.getCause());
        assertTrue(e.getCause().getCause().getMessage().contains("not permitted"), e.getCause().toString());
        assertEquals(List.of(0, 2, 3), io.firsts, "datagram 2 skipped, the rest from 3 on");
        assertEquals(9, sender.datagramsSent());
        assertEquals(55 - 3, sender.bytesSent(), "all but datagram 2's 3 bytes");
    }

    @Test
    void aSendBufferThatStaysFullThrowsAfterTheTimeoutWithWhatWentCounted() {
        ScriptedIo io = new ScriptedIo();
        io.script.add(4);
        for (int i = 0; i < 1_000_000; i++) {
            io.script.add(0);
        }
        RawSender sender = sender(io, Duration.ofMillis(50));
        long start = System.nanoTime();
        BackPressureException e = assertThrows(BackPressureException.class,
                () -> sender.sendBatch(PAYLOAD, ENDS, 10, PEER));
        assertTrue(System.nanoTime() - start >= TimeUnit.MILLISECONDS.toNanos(50), "waited the timeout out");
        assertTrue(e.getMessage().contains("4 of 10"), e.getMessage());
        assertEquals(4, sender.datagramsSent());
        assertEquals(10, sender.bytesSent());
    }

    @Test
    void aClosedTransportThrowsEndpointClosed() {
        ScriptedIo io = new ScriptedIo();
        io.script.add(5);
        io.script.add(new ClosedChannelException());
        RawSender sender = sender(io, Duration.ofSeconds(5));
        assertThrows(EndpointClosedException.class, () -> sender.sendBatch(PAYLOAD, ENDS, 10, PEER));
        assertEquals(5, sender.datagramsSent());
        assertEquals(15, sender.bytesSent());
    }
}
