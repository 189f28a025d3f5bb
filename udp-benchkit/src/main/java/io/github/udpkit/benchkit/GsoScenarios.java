package io.github.udpkit.benchkit;

import io.github.udpkit.core.internal.linux.LinuxUdpSocket;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.Optional;

/**
 * The limit on this machine: raw datagrams through udp-core's batched Linux socket (FFM, JDK 22+),
 * with no protocol at all. One sender queues each message and hands them to the kernel
 * {@value #FLUSH_EVERY} at a time with {@code sendmmsg}, each run of equal-sized datagrams as one
 * {@code UDP_SEGMENT} (GSO) message; one receiver reads them with {@code recvmmsg} and
 * {@code UDP_GRO} and counts each datagram. Compared with the {@code DatagramChannel} baseline of
 * the same run, it shows how far the JDK's one-datagram-a-call path is from what the kernel can
 * move, and how close udpkit comes. On JDK 17 to 21 the row fails at once, saying it needs JDK 22+.
 */
final class GsoScenarios {

    static final String KEY = "raw-gso-gro";
    static final String MODE = "raw GSO+GRO (FFM)";
    /** Datagrams a flush sends: 64 is the most one GSO message carries on older kernels. */
    static final int FLUSH_EVERY = 64;
    /** How long the receiver waits in poll() before it looks whether the stream is closing. */
    private static final int POLL_MILLIS = 50;

    private GsoScenarios() {
    }

    static Scenario throughput(int payloadBytes) {
        return Scenario.throughput(KEY, MODE, Scenario.Wait.BLOCKING, payloadBytes,
                counter -> new Stream(payloadBytes, counter));
    }

    /** A sender socket on the benchmark's thread, a receiver socket on its own thread. */
    private static final class Stream implements OneWay {
        private final int payloadBytes;
        private final LinuxUdpSocket receiver;
        private final LinuxUdpSocket sender;
        private final InetSocketAddress target;
        private final Worker reader;
        private volatile boolean closing;

        Stream(int payloadBytes, SequenceCounter counter) throws Exception {
            String unavailable = LinuxUdpSocket.unavailableReason();
            if (unavailable != null) {
                throw new UnsupportedOperationException(unavailable);
            }
            this.payloadBytes = payloadBytes;
            InetSocketAddress loopback = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
            LinuxUdpSocket r = null;
            LinuxUdpSocket s = null;
            try {
                r = LinuxUdpSocket.open(loopback, false, Loopback.SOCKET_BUFFER_BYTES, Loopback.SOCKET_BUFFER_BYTES, false);
                s = LinuxUdpSocket.open(loopback, false, Loopback.SOCKET_BUFFER_BYTES, Loopback.SOCKET_BUFFER_BYTES, false);
            } catch (Exception e) {
                Loopback.closeAll(r, s);
                throw e;
            }
            this.receiver = r;
            this.sender = s;
            this.target = receiver.localAddress();
            LinuxUdpSocket in = receiver;
            this.reader = Worker.start("bench-gso-receiver", () -> {
                ByteBuffer buffer = ByteBuffer.allocateDirect(1 << 16);
                while (!closing) {
                    buffer.clear();
                    if (in.receive(buffer) == null) {
                        in.await(POLL_MILLIS);
                        continue;
                    }
                    buffer.flip();
                    counter.accept(buffer);
                }
            });
        }

        @Override
        public long sendUntil(int round, long deadlineNanos, long maxMessages) throws Exception {
            ByteBuffer message = ByteBuffer.allocateDirect(payloadBytes);
            long sent = OneWay.sendSequence(sequence -> {
                message.clear();
                message.putInt(Stamp.ROUND_OFFSET, round).putLong(Stamp.SEQUENCE_OFFSET, sequence);
                sender.queue(message, target);
                if (sequence % FLUSH_EVERY == FLUSH_EVERY - 1) {
                    sender.flush();
                }
                return true;
            }, deadlineNanos, maxMessages);
            sender.flush();
            reader.check();
            return sent;
        }

        @Override
        public Optional<String> transport() {
            return Optional.of(sender.name()); // the batched socket's own name, not the JDK's channel
        }

        @Override
        public void close() throws IOException {
            // The receiver's thread leaves its loop before its socket's memory is freed.
            closing = true;
            receiver.wakeup();
            reader.join();
            Loopback.closeAll(receiver, sender);
        }
    }
}
