package io.github.udpkit.benchkit;

import static com.google.common.base.Preconditions.checkArgument;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;

/**
 * The baseline: the JDK's {@link DatagramChannel} used as plainly and as fast as it goes, one thread
 * sending and one receiving, with reused direct buffers and unconnected sockets (as a server that
 * answers many peers uses them). Whatever udpkit adds is measured against this.
 */
final class DatagramChannelScenarios {

    static final String KEY = "baseline";
    static final String MODE = "DatagramChannel";

    private DatagramChannelScenarios() {
    }

    static Scenario throughput(int payloadBytes) {
        return Scenario.throughput(KEY, MODE, Scenario.Wait.BLOCKING, payloadBytes,
                counter -> new Stream(payloadBytes, counter)).asBaseline();
    }

    /** A round-trip baseline that blocks or busy-spins; plain sockets have no adaptive wait. */
    static Scenario roundTrip(Scenario.Wait wait, int payloadBytes) {
        checkArgument(wait != Scenario.Wait.ADAPTIVE, "the baseline's round trips block or busy-spin, not %s",
                wait.label());
        return Scenario.roundTrip(KEY, MODE, wait, payloadBytes, () -> new Ping(wait, payloadBytes)).asBaseline();
    }

    /** A sender channel on the benchmark's thread, a blocking receiver channel on its own thread. */
    private static final class Stream implements OneWay {
        private final int payloadBytes;
        private final DatagramChannel receiver;
        private final DatagramChannel sender;
        private final InetSocketAddress target;
        private final Worker reader;

        Stream(int payloadBytes, SequenceCounter counter) throws Exception {
            this.payloadBytes = payloadBytes;
            DatagramChannel r = null;
            DatagramChannel s = null;
            try {
                r = Loopback.datagramChannel(true);
                s = Loopback.datagramChannel(true);
            } catch (Exception e) {
                Loopback.closeAll(r, s);
                throw e;
            }
            this.receiver = r;
            this.sender = s;
            this.target = (InetSocketAddress) receiver.getLocalAddress();
            DatagramChannel in = receiver;
            this.reader = Worker.start("bench-baseline-receiver", () -> {
                ByteBuffer buffer = ByteBuffer.allocateDirect(1 << 16);
                while (true) {
                    buffer.clear();
                    in.receive(buffer);
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
                sender.send(message, target);
                return true;
            }, deadlineNanos, maxMessages);
            reader.check();
            return sent;
        }

        @Override
        public void close() throws IOException {
            Loopback.closeAll(receiver, sender);
            reader.join();
        }
    }

    /** A client channel on the benchmark's thread, an echo channel on its own thread. */
    private static final class Ping implements RoundTrip {
        private final DatagramChannel client;
        private final DatagramChannel server;
        private final InetSocketAddress serverAddress;
        private final ByteBuffer out;
        private final ByteBuffer in = ByteBuffer.allocateDirect(1 << 16);
        private final Worker echo;

        Ping(Scenario.Wait wait, int payloadBytes) throws Exception {
            boolean spin = wait == Scenario.Wait.BUSY_SPIN;
            DatagramChannel c = null;
            DatagramChannel s = null;
            try {
                c = Loopback.datagramChannel(!spin);
                s = Loopback.datagramChannel(!spin);
            } catch (Exception e) {
                Loopback.closeAll(c, s);
                throw e;
            }
            this.client = c;
            this.server = s;
            this.serverAddress = (InetSocketAddress) server.getLocalAddress();
            this.out = ByteBuffer.allocateDirect(payloadBytes);
            DatagramChannel channel = server;
            this.echo = Worker.start("bench-baseline-echo", () -> {
                ByteBuffer buffer = ByteBuffer.allocateDirect(1 << 16);
                while (true) {
                    buffer.clear();
                    SocketAddress from = channel.receive(buffer);
                    if (from == null) {
                        if (spin) {
                            Thread.onSpinWait();
                        }
                        continue;
                    }
                    buffer.flip();
                    channel.send(buffer, from);
                }
            });
        }

        @Override
        public boolean ping(long sequence) throws Exception {
            out.clear();
            out.putInt(Stamp.ROUND_OFFSET, 0).putLong(Stamp.SEQUENCE_OFFSET, sequence);
            client.send(out, serverAddress);
            long start = System.nanoTime();
            while (true) {
                in.clear();
                if (client.receive(in) == null) { // only when spinning: a blocking receive waits
                    if (System.nanoTime() - start > Loopback.ECHO_TIMEOUT_NANOS) {
                        echo.check();
                        return false;
                    }
                    Thread.onSpinWait();
                    continue;
                }
                in.flip();
                if (in.remaining() >= Stamp.LENGTH && Stamp.sequence(in, 0) == sequence) {
                    return true;
                }
            }
        }

        @Override
        public void close() throws IOException {
            Loopback.closeAll(client, server);
            echo.join();
        }
    }
}
