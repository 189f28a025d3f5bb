package io.github.udpkit.core.protocol;

import io.github.udpkit.core.wire.AckRanges;
import io.github.udpkit.core.wire.WireFormat;
import io.github.udpkit.core.wire.WireWriter;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;

/**
 * The layout of an outgoing datagram (quinn-proto's {@code packet_builder.rs}): the header and the
 * TOKEN that lead it, the ACK, the padding that leaves room for a RETRY, and the sealing and
 * counting of the finished datagram. What goes into a datagram is the {@link Connection}'s choice;
 * where it goes and how it is closed is decided here, once for every kind of datagram. One builder
 * per engine, reused for every datagram, on the engine's thread.
 */
final class PacketBuilder {
    private final ByteBuffer out;
    private final PacketProtection protection;
    private final EngineMetrics metrics;
    private final EngineOutput output;
    private final AckRanges ackRanges;
    private final int receiveWindow;
    private long source;
    private long destination;
    private long packetNumber;
    private int headerLength;

    PacketBuilder(ByteBuffer out, PacketProtection protection, EngineMetrics metrics, EngineOutput output,
            AckRanges ackRanges, int receiveWindow) {
        this.out = out;
        this.protection = protection;
        this.metrics = metrics;
        this.output = output;
        this.ackRanges = ackRanges;
        this.receiveWindow = receiveWindow;
    }

    /** The buffer the datagram is being built in, for frames written by the caller. */
    ByteBuffer buffer() {
        return out;
    }

    /**
     * Starts a datagram: the header, then a TOKEN frame when {@code token} is not null.
     *
     * @return where the body (or the frame after the TOKEN) starts
     */
    int start(long sourceSession, long destinationSession, long number, byte[] token) {
        out.clear();
        source = sourceSession;
        destination = destinationSession;
        packetNumber = number;
        headerLength = WireWriter.writeHeader(out, 0, sourceSession, destinationSession, number);
        return token == null ? headerLength : WireWriter.writeToken(out, headerLength, token);
    }

    int headerLength() {
        return headerLength;
    }

    /**
     * Writes an ACK of what {@code received} holds, with the delay since its largest packet.
     *
     * @return the position after it; {@link #NOTHING_TO_ACK} when there is nothing to acknowledge;
     *     0 when it does not fit before {@code limit}
     */
    int ack(int at, int limit, ReceivedPackets received, long now) {
        received.fillAck(ackRanges);
        if (ackRanges.count() == 0) {
            return NOTHING_TO_ACK;
        }
        long delayMicros = Math.max(0, (now - received.largestAt()) / 1000);
        return WireWriter.writeAck(out, at, limit, ackRanges, delayMicros, receiveWindow);
    }

    /** See {@link #ack}. */
    static final int NOTHING_TO_ACK = -1;

    /** Pads a datagram that a server may answer with a RETRY, which is never larger than what it answers. */
    int padForRetry(int at) {
        return at < WireFormat.MIN_PADDED_LENGTH ? WireWriter.writePadding(out, at, WireFormat.MIN_PADDED_LENGTH) : at;
    }

    /**
     * Seals the datagram that ends at {@code end}, counts it and hands it to the output.
     *
     * @return its size on the wire
     */
    int send(InetSocketAddress to, int end) {
        return send(to, end, null);
    }

    /**
     * Seals the datagram that ends at {@code end}, counts it, and hands it to the output, inside a
     * record of the connection's session when it has one.
     *
     * @param records the connection's record path, or null to send the datagram as it is
     * @return its size (before the record's overhead)
     */
    int send(InetSocketAddress to, int end, RecordPath records) {
        out.limit(end);
        out.position(0);
        protection.seal(to, source, destination, packetNumber, out, headerLength);
        int size = out.remaining();
        metrics.datagramsSent.increment();
        metrics.bytesSent.add(size);
        if (records != null) {
            records.seal(out);
        } else {
            output.transmit(to, out);
        }
        return size;
    }
}
