package io.github.udpkit.core.wire;

import static com.google.common.base.Preconditions.checkArgument;

import io.github.udpkit.api.DeliveryMode;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * One udpkit datagram as an immutable value: the header fields and the frames, before any
 * {@code PacketProtection} is applied. It encodes to, and decodes from, exactly the bytes
 * {@code docs/PROTOCOL.md} specifies; the engine itself uses {@link WireReader} and
 * {@link WireWriter} directly.
 *
 * @param sourceSession the sender's session id, not 0
 * @param destinationSession the receiver's session id as the sender knows it, 0 if unknown
 * @param packetNumber the packet number, 0..2<sup>53</sup>-1
 * @param frames at least one frame; a {@link RetryFrame} only alone, a {@link TokenFrame} only
 *     first, a {@link PaddingFrame} only last
 * @since 0.1.0
 */
public record Datagram(long sourceSession, long destinationSession, long packetNumber, List<Frame> frames) {

    /** Validates the fields and copies the frame list. */
    public Datagram {
        checkArgument(sourceSession != 0, "sourceSession must not be 0");
        checkArgument(packetNumber >= 0 && packetNumber <= WireFormat.MAX_PACKET_NUMBER,
                "packetNumber must be in 0..2^53-1: %s", packetNumber);
        frames = List.copyOf(frames);
        checkArgument(!frames.isEmpty(), "a datagram needs at least one frame");
        for (int i = 0; i < frames.size(); i++) {
            Frame f = frames.get(i);
            checkArgument(!(f instanceof RetryFrame) || frames.size() == 1, "a RETRY must be the only frame: %s", frames);
            checkArgument(!(f instanceof TokenFrame) || i == 0, "a TOKEN must be the first frame: %s", frames);
            checkArgument(!(f instanceof PaddingFrame) || i == frames.size() - 1, "PADDING must be the last frame: %s",
                    frames);
        }
    }

    /**
     * The encoded length.
     *
     * @return header and frames, in bytes
     */
    public int encodedLength() {
        int n = WireWriter.headerLength(packetNumber);
        for (Frame f : frames) {
            n += f.encodedLength();
        }
        return n;
    }

    /**
     * Encodes the datagram.
     *
     * @return the bytes
     */
    public byte[] encode() {
        byte[] bytes = new byte[encodedLength()];
        ByteBuffer b = ByteBuffer.wrap(bytes);
        int at = WireWriter.writeHeader(b, 0, sourceSession, destinationSession, packetNumber);
        for (Frame f : frames) {
            if (f instanceof PingFrame) {
                at = WireWriter.writePing(b, at);
            } else if (f instanceof CloseFrame c) {
                at = WireWriter.writeClose(b, at, c.code(), c.reason().getBytes(StandardCharsets.UTF_8));
            } else if (f instanceof PaddingFrame p) {
                at = WireWriter.writePadding(b, at, at + p.length());
            } else if (f instanceof RetryFrame r) {
                byte[] token = r.token();
                at = WireWriter.writeRetry(b, at, token, 0, token.length);
            } else if (f instanceof TokenFrame t) {
                at = WireWriter.writeToken(b, at, t.token());
            } else if (f instanceof AckFrame a) {
                at = WireWriter.writeAck(b, at, bytes.length, AckFrame.toRanges(a.ranges()), a.ackDelayMicros(),
                        a.receiveWindow());
            } else {
                DataFrame d = (DataFrame) f;
                byte[] p = d.payload();
                at = WireWriter.writeData(b, at, d.channel(), d.mode(), d.sequence(), d.totalLength(), d.fragmentSize(),
                        d.fragmentIndex(), p, 0, p.length);
            }
        }
        if (at != bytes.length) {
            throw new IllegalStateException("encoded " + at + " bytes, expected " + bytes.length);
        }
        return bytes;
    }

    /**
     * Decodes a datagram from a buffer's remaining bytes, without moving its position.
     *
     * @param buffer the bytes, position to limit
     * @return the datagram
     * @throws WireFormatException if the bytes are not a valid udpkit datagram
     */
    public static Datagram decode(ByteBuffer buffer) {
        ByteBuffer b = buffer.duplicate().order(ByteOrder.BIG_ENDIAN);
        int from = b.position();
        int to = b.limit();
        WireReader reader = new WireReader();
        int status = reader.readHeader(b, from, to);
        if (status != WireReader.OK) {
            throw new WireFormatException("bad header: " + WireReader.describe(status));
        }
        List<Frame> frames = new ArrayList<>();
        int bodyFrom = from + reader.headerLength();
        status = reader.readFrames(b, bodyFrom, to, null);
        if (status != WireReader.OK) {
            throw new WireFormatException("bad frames: " + WireReader.describe(status));
        }
        reader.readFrames(b, bodyFrom, to, new FrameVisitor() {
            @Override
            public boolean onPing() {
                return frames.add(new PingFrame());
            }

            @Override
            public boolean onAck(AckRanges ranges, long ackDelayMicros, long receiveWindow) {
                List<AckFrame.Range> list = new ArrayList<>(ranges.count());
                for (int i = 0; i < ranges.count(); i++) {
                    list.add(new AckFrame.Range(ranges.high(i), ranges.low(i)));
                }
                return frames.add(new AckFrame(ackDelayMicros, receiveWindow, list));
            }

            @Override
            public boolean onClose(long code, ByteBuffer data, int offset, int length) {
                return frames.add(new CloseFrame(code, new String(copy(data, offset, length), StandardCharsets.UTF_8)));
            }

            @Override
            public boolean onData(int channel, DeliveryMode mode, long sequence, int totalLength, int fragmentSize,
                    int fragmentIndex, ByteBuffer data, int offset, int length) {
                byte[] payload = new byte[length];
                data.get(offset, payload, 0, length);
                return frames.add(new DataFrame(channel, mode, sequence, totalLength, fragmentSize, fragmentIndex, payload));
            }

            @Override
            public boolean onPadding(int length) {
                return frames.add(new PaddingFrame(length));
            }

            @Override
            public boolean onRetry(ByteBuffer data, int offset, int length) {
                return frames.add(new RetryFrame(copy(data, offset, length)));
            }

            @Override
            public boolean onToken(ByteBuffer data, int offset, int length) {
                return frames.add(new TokenFrame(copy(data, offset, length)));
            }
        });
        return new Datagram(reader.sourceSession(), reader.destinationSession(), reader.packetNumber(), frames);
    }

    private static byte[] copy(ByteBuffer data, int offset, int length) {
        byte[] bytes = new byte[length];
        data.get(offset, bytes, 0, length);
        return bytes;
    }
}
