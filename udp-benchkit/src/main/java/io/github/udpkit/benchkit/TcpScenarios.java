package io.github.udpkit.benchkit;

import static com.google.common.base.Preconditions.checkArgument;

import java.io.EOFException;
import java.io.IOException;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;

/**
 * TCP over loopback for the same workloads, as seed 002 compares the two protocols: a
 * {@link SocketChannel} with {@code TCP_NODELAY}, each message framed by a 4-byte length and written
 * with a call of its own, the receiver reading whatever arrives and splitting it into messages.
 */
final class TcpScenarios {

    static final String KEY = "tcp";
    static final String MODE = "TCP";
    static final String TRANSPORT = "tcp";

    /** Bytes of the length prefix in front of every message. */
    private static final int PREFIX = Integer.BYTES;
    /** The largest frame a receiver accepts: anything longer means the stream is out of step. */
    private static final int MAX_FRAME = 1 << 16;

    private TcpScenarios() {
    }

    static Scenario throughput(int payloadBytes) {
        return Scenario.throughput(KEY, MODE, Scenario.Wait.BLOCKING, payloadBytes,
                counter -> new Stream(payloadBytes, counter)).asLossless().withTransport(TRANSPORT);
    }

    /** A round trip that blocks or busy-spins; plain sockets have no adaptive wait. */
    static Scenario roundTrip(Scenario.Wait wait, int payloadBytes) {
        checkArgument(wait != Scenario.Wait.ADAPTIVE, "TCP round trips block or busy-spin, not %s", wait.label());
        return Scenario.roundTrip(KEY, MODE, wait, payloadBytes, () -> new Ping(wait, payloadBytes))
                .withTransport(TRANSPORT);
    }

    /** A connected pair on loopback: the client end and the server end the listener accepted. */
    private record Connection(SocketChannel client, SocketChannel server) {

        static Connection open(boolean blocking) throws Exception {
            SocketChannel client = null;
            SocketChannel server = null;
            try (ServerSocketChannel listener = ServerSocketChannel.open()) {
                listener.bind(Loopback.anyPort(), 1);
                client = SocketChannel.open(listener.getLocalAddress());
                server = listener.accept();
                for (SocketChannel c : new SocketChannel[] {client, server}) {
                    c.setOption(StandardSocketOptions.TCP_NODELAY, true);
                    c.setOption(StandardSocketOptions.SO_RCVBUF, Loopback.SOCKET_BUFFER_BYTES);
                    c.setOption(StandardSocketOptions.SO_SNDBUF, Loopback.SOCKET_BUFFER_BYTES);
                    c.configureBlocking(blocking);
                }
                return new Connection(client, server);
            } catch (Exception e) {
                Loopback.closeAll(client, server);
                throw e;
            }
        }

        void close() throws IOException {
            Loopback.closeAll(client, server);
        }
    }

    /** Writes a whole buffer, spinning if the channel is non-blocking and its send buffer is full. */
    private static void writeFully(SocketChannel channel, ByteBuffer buffer) throws IOException {
        while (buffer.hasRemaining()) {
            if (channel.write(buffer) == 0) {
                Thread.onSpinWait();
            }
        }
    }

    /**
     * Reads until the buffer is full, spinning on a non-blocking channel.
     *
     * @return false if a non-blocking channel had not delivered it all within the timeout
     */
    private static boolean readFully(SocketChannel channel, ByteBuffer buffer, long timeoutNanos) throws IOException {
        long start = System.nanoTime();
        while (buffer.hasRemaining()) {
            int n = channel.read(buffer);
            if (n < 0) {
                throw new EOFException("connection closed by the other side");
            }
            if (n == 0) {
                if (System.nanoTime() - start > timeoutNanos) {
                    return false;
                }
                Thread.onSpinWait();
            }
        }
        return true;
    }

    /** A client end written to by the benchmark's thread, a server end read on its own thread. */
    private static final class Stream implements OneWay {
        private final int payloadBytes;
        private final Connection connection;
        private final Worker reader;

        Stream(int payloadBytes, SequenceCounter counter) throws Exception {
            this.payloadBytes = payloadBytes;
            this.connection = Connection.open(true);
            SocketChannel in = connection.server();
            this.reader = Worker.start("bench-tcp-receiver", () -> {
                ByteBuffer buffer = ByteBuffer.allocateDirect(1 << 18);
                while (true) {
                    if (in.read(buffer) < 0) {
                        throw new EOFException("connection closed by the sender");
                    }
                    buffer.flip();
                    while (buffer.remaining() >= PREFIX) {
                        int at = buffer.position();
                        int length = buffer.getInt(at);
                        if (length < 0 || length > MAX_FRAME) {
                            throw new IOException("stream out of step: a frame of " + length + " bytes");
                        }
                        if (buffer.remaining() < PREFIX + length) {
                            break;
                        }
                        counter.accept(buffer, at + PREFIX, length);
                        buffer.position(at + PREFIX + length);
                    }
                    buffer.compact();
                }
            });
        }

        @Override
        public long sendUntil(int round, long deadlineNanos, long maxMessages) throws Exception {
            ByteBuffer frame = ByteBuffer.allocateDirect(PREFIX + payloadBytes);
            frame.putInt(0, payloadBytes);
            SocketChannel out = connection.client();
            long sent = OneWay.sendSequence(sequence -> {
                frame.clear();
                frame.putInt(PREFIX + Stamp.ROUND_OFFSET, round).putLong(PREFIX + Stamp.SEQUENCE_OFFSET, sequence);
                writeFully(out, frame);
                return true;
            }, deadlineNanos, maxMessages);
            reader.check();
            return sent;
        }

        @Override
        public void close() throws IOException {
            connection.close();
            reader.join();
        }
    }

    /** The client end on the benchmark's thread, the server end echoing on its own thread. */
    private static final class Ping implements RoundTrip {
        private final Connection connection;
        private final ByteBuffer out;
        private final ByteBuffer in;
        private final Worker echo;

        Ping(Scenario.Wait wait, int payloadBytes) throws Exception {
            this.connection = Connection.open(wait == Scenario.Wait.BLOCKING);
            this.out = ByteBuffer.allocateDirect(PREFIX + payloadBytes);
            this.in = ByteBuffer.allocateDirect(PREFIX + payloadBytes);
            out.putInt(0, payloadBytes);
            SocketChannel server = connection.server();
            int frameBytes = PREFIX + payloadBytes;
            this.echo = Worker.start("bench-tcp-echo", () -> {
                ByteBuffer frame = ByteBuffer.allocateDirect(frameBytes);
                while (true) {
                    frame.clear();
                    readFully(server, frame, Long.MAX_VALUE); // no time limit: wait for the next ping
                    int length = frame.getInt(0);
                    if (length != frameBytes - PREFIX) {
                        throw new IOException("stream out of step: a frame of " + length + " bytes");
                    }
                    frame.flip();
                    writeFully(server, frame);
                }
            });
        }

        @Override
        public boolean ping(long sequence) throws Exception {
            out.clear();
            out.putInt(PREFIX + Stamp.ROUND_OFFSET, 0).putLong(PREFIX + Stamp.SEQUENCE_OFFSET, sequence);
            writeFully(connection.client(), out);
            in.clear();
            if (!readFully(connection.client(), in, Loopback.ECHO_TIMEOUT_NANOS)) {
                echo.check();
                throw new IOException("no echo within " + Loopback.ECHO_TIMEOUT_NANOS / 1_000_000
                        + " ms: TCP does not lose messages, so the stream is stuck");
            }
            if (in.getLong(PREFIX + Stamp.SEQUENCE_OFFSET) != sequence) {
                throw new IOException("echo out of step: expected " + sequence + ", got "
                        + in.getLong(PREFIX + Stamp.SEQUENCE_OFFSET));
            }
            return true;
        }

        @Override
        public void close() throws IOException {
            connection.close();
            echo.join();
        }
    }
}
