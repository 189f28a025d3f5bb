package io.github.udpkit.bench;

import io.github.udpkit.api.DeliveryMode;
import io.github.udpkit.core.wire.AckRanges;
import io.github.udpkit.core.wire.FrameVisitor;
import io.github.udpkit.core.wire.WireReader;
import io.github.udpkit.core.wire.WireWriter;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The cost of udpkit's wire format: writing and reading a datagram with one DATA frame, and one
 * with an ACK frame of one or many ranges (what every acknowledgement costs each side). Not final:
 * JMH generates subclasses of it.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class WireBenchmark {

    private static final long SOURCE = 0x1234_5678_9ABC_DEF0L;
    private static final long DESTINATION = 0x0FED_CBA9_8765_4321L;

    /** A DATA datagram to write and one to read. */
    @State(Scope.Thread)
    public static class Data {
        /** The DATA frame's payload size in bytes. */
        @Param({"64", "1200"})
        public int payload;

        final ByteBuffer out = ByteBuffer.allocate(2048);
        final ByteBuffer datagram = ByteBuffer.allocate(2048);
        final WireReader reader = new WireReader();
        final Visitor visitor = new Visitor();
        byte[] message;
        int end;
        long packetNumber = 1_000;

        /** Builds the message and one encoded datagram to read. */
        @Setup
        public void setUp() {
            message = new byte[payload];
            Arrays.fill(message, (byte) 'x');
            int at = WireWriter.writeHeader(datagram, 0, SOURCE, DESTINATION, packetNumber);
            end = WireWriter.writeData(datagram, at, DeliveryMode.RELIABLE, 42, payload, 0, 0, message, 0, payload);
            check(reader.readHeader(datagram, 0, end));
            check(reader.readFrames(datagram, reader.headerLength(), end, null));
        }
    }

    /** ACK ranges to write and an ACK datagram to read. */
    @State(Scope.Thread)
    public static class Ack {
        /** The ACK frame's ranges: 1 (in-order traffic) or 16 (after scattered loss). */
        @Param({"1", "16"})
        public int ranges;

        final ByteBuffer out = ByteBuffer.allocate(2048);
        final ByteBuffer datagram = ByteBuffer.allocate(2048);
        final WireReader reader = new WireReader();
        final Visitor visitor = new Visitor();
        AckRanges acked;
        int end;
        long packetNumber = 1_000;

        /** Builds the ranges, a gap of four lost packets between neighbours, and one encoded ACK. */
        @Setup
        public void setUp() {
            acked = new AckRanges(ranges);
            long high = 100_000;
            for (int i = 0; i < ranges; i++) {
                acked.add(high, high - 20);
                high -= 25;
            }
            int at = WireWriter.writeHeader(datagram, 0, SOURCE, DESTINATION, packetNumber);
            end = WireWriter.writeAck(datagram, at, datagram.capacity(), acked, 250, 4096);
            check(reader.readHeader(datagram, 0, end));
            check(reader.readFrames(datagram, reader.headerLength(), end, null));
        }
    }

    /**
     * Writes a header and a DATA frame, as the sender does for every datagram.
     *
     * @param s the state
     * @return the datagram's length
     */
    @Benchmark
    public int writeData(Data s) {
        int at = WireWriter.writeHeader(s.out, 0, SOURCE, DESTINATION, s.packetNumber++);
        return WireWriter.writeData(s.out, at, DeliveryMode.RELIABLE, s.packetNumber, s.payload, 0, 0, s.message, 0,
                s.payload);
    }

    /**
     * Reads and validates a header and a DATA frame, as the receiver does for every datagram.
     *
     * @param s the state
     * @return what the visitor saw
     */
    @Benchmark
    public long readData(Data s) {
        check(s.reader.readHeader(s.datagram, 0, s.end));
        check(s.reader.readFrames(s.datagram, s.reader.headerLength(), s.end, s.visitor));
        return s.visitor.sum;
    }

    /**
     * Writes a header and an ACK frame.
     *
     * @param s the state
     * @return the datagram's length
     */
    @Benchmark
    public int writeAck(Ack s) {
        int at = WireWriter.writeHeader(s.out, 0, SOURCE, DESTINATION, s.packetNumber++);
        return WireWriter.writeAck(s.out, at, s.out.capacity(), s.acked, 250, 4096);
    }

    /**
     * Reads and validates a header and an ACK frame.
     *
     * @param s the state
     * @return what the visitor saw
     */
    @Benchmark
    public long readAck(Ack s) {
        check(s.reader.readHeader(s.datagram, 0, s.end));
        check(s.reader.readFrames(s.datagram, s.reader.headerLength(), s.end, s.visitor));
        return s.visitor.sum;
    }

    static void check(int status) {
        if (status != WireReader.OK) {
            throw new IllegalStateException("the benchmark's own datagram failed to read: " + WireReader.describe(status));
        }
    }

    /** Touches what each frame carries, so the reads cannot be optimised away. */
    static final class Visitor implements FrameVisitor {
        long sum;

        @Override
        public boolean onPing() {
            sum++;
            return true;
        }

        @Override
        public boolean onAck(AckRanges ranges, long ackDelayMicros, long receiveWindow) {
            sum += ranges.count() + ranges.high(0) + ackDelayMicros;
            return true;
        }

        @Override
        public boolean onClose(long code, ByteBuffer buffer, int offset, int length) {
            sum += code;
            return true;
        }

        @Override
        public boolean onData(int channel, DeliveryMode mode, long sequence, int totalLength, int fragmentSize,
                              int fragmentIndex, ByteBuffer buffer, int offset, int length) {
            sum += sequence + length + buffer.get(offset);
            return true;
        }
    }
}
