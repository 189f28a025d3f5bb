package io.github.udpkit.core.wire;

import static com.google.common.base.Preconditions.checkArgument;
import static io.github.udpkit.core.wire.WireFormat.DATA_CHANNEL;
import static io.github.udpkit.core.wire.WireFormat.DATA_FRAGMENTED;
import static io.github.udpkit.core.wire.WireFormat.FIXED_HEADER_LENGTH;
import static io.github.udpkit.core.wire.WireFormat.FRAME_ACK;
import static io.github.udpkit.core.wire.WireFormat.FRAME_CLOSE;
import static io.github.udpkit.core.wire.WireFormat.FRAME_DATA;
import static io.github.udpkit.core.wire.WireFormat.FRAME_PADDING;
import static io.github.udpkit.core.wire.WireFormat.FRAME_PING;
import static io.github.udpkit.core.wire.WireFormat.FRAME_RETRY;
import static io.github.udpkit.core.wire.WireFormat.FRAME_TOKEN;
import static io.github.udpkit.core.wire.WireFormat.MAGIC_0;
import static io.github.udpkit.core.wire.WireFormat.MAGIC_1;
import static io.github.udpkit.core.wire.WireFormat.MAX_ACK_RANGES;
import static io.github.udpkit.core.wire.WireFormat.MAX_TOKEN_LENGTH;
import static io.github.udpkit.core.wire.WireFormat.VERSION;

import io.github.udpkit.api.DeliveryMode;
import java.nio.ByteBuffer;

/**
 * Writes udpkit headers and frames at absolute indices of a big-endian buffer, without
 * allocating. Each method returns the index after what it wrote; the caller checks space first
 * with the matching {@code ...Length} method.
 *
 * @since 0.1.0
 */
public final class WireWriter {
    /** The bytes of a DATA frame besides its payload, at most: type, and five varints. */
    public static final int MAX_DATA_OVERHEAD = 1 + 8 + 4 + 4 + 4 + 4;
    /** The bytes of an unfragmented DATA frame besides its payload, at most. */
    public static final int MAX_WHOLE_DATA_OVERHEAD = 1 + 8 + 4;

    private WireWriter() {
    }

    /**
     * The length of a header carrying a packet number.
     *
     * @param packetNumber the packet number
     * @return 21..28
     */
    public static int headerLength(long packetNumber) {
        return FIXED_HEADER_LENGTH + Varint.size(packetNumber);
    }

    /**
     * Writes a datagram header.
     *
     * @param buffer the buffer
     * @param at where to write
     * @param sourceSession the sender's session, not 0
     * @param destinationSession the receiver's session as the sender knows it, 0 if unknown
     * @param packetNumber the packet number
     * @return the index after the header
     */
    public static int writeHeader(ByteBuffer buffer, int at, long sourceSession, long destinationSession,
            long packetNumber) {
        checkArgument(sourceSession != 0, "sourceSession must not be 0");
        buffer.put(at, MAGIC_0);
        buffer.put(at + 1, MAGIC_1);
        buffer.put(at + 2, (byte) VERSION);
        buffer.put(at + 3, (byte) 0);
        buffer.putLong(at + 4, sourceSession);
        buffer.putLong(at + 12, destinationSession);
        return Varint.write(buffer, at + FIXED_HEADER_LENGTH, packetNumber);
    }

    /**
     * Writes a PING frame (one byte).
     *
     * @param buffer the buffer
     * @param at where to write
     * @return the index after the frame
     */
    public static int writePing(ByteBuffer buffer, int at) {
        buffer.put(at, (byte) FRAME_PING);
        return at + 1;
    }

    /**
     * The length of a CLOSE frame.
     *
     * @param code the close code
     * @return its length
     */
    public static int closeLength(long code) {
        return closeLength(code, 0);
    }

    /**
     * The length of a CLOSE frame with a reason.
     *
     * @param code the close code
     * @param reasonLength the reason's length in bytes, 0..{@value WireFormat#MAX_CLOSE_REASON}
     * @return its length
     */
    public static int closeLength(long code, int reasonLength) {
        return 1 + Varint.size(code) + Varint.size(reasonLength) + reasonLength;
    }

    /**
     * Writes a CLOSE frame.
     *
     * @param buffer the buffer
     * @param at where to write
     * @param code the close code, 0 for an application close
     * @return the index after the frame
     */
    public static int writeClose(ByteBuffer buffer, int at, long code) {
        return writeClose(buffer, at, code, new byte[0]);
    }

    /**
     * Writes a CLOSE frame with a reason for the peer.
     *
     * @param buffer the buffer
     * @param at where to write
     * @param code the close code ({@link WireFormat#CLOSE_ENDPOINT} and the others)
     * @param reason UTF-8, at most {@value WireFormat#MAX_CLOSE_REASON} bytes
     * @return the index after the frame
     */
    public static int writeClose(ByteBuffer buffer, int at, long code, byte[] reason) {
        checkArgument(reason.length <= WireFormat.MAX_CLOSE_REASON, "a close reason must be at most %s bytes: %s",
                WireFormat.MAX_CLOSE_REASON, reason.length);
        buffer.put(at, (byte) FRAME_CLOSE);
        int i = Varint.write(buffer, at + 1, code);
        i = Varint.write(buffer, i, reason.length);
        buffer.put(i, reason, 0, reason.length);
        return i + reason.length;
    }

    /**
     * The length of a RETRY or TOKEN frame.
     *
     * @param tokenLength the token's length, 1..{@value WireFormat#MAX_TOKEN_LENGTH}
     * @return the frame length
     */
    public static int tokenFrameLength(int tokenLength) {
        return 1 + Varint.size(tokenLength) + tokenLength;
    }

    /**
     * Writes a RETRY frame, which must be the only frame of its datagram.
     *
     * @param buffer the buffer
     * @param at where to write (right after the header)
     * @param token the token
     * @param offset where it starts in {@code token}
     * @param length its length, 1..{@value WireFormat#MAX_TOKEN_LENGTH}
     * @return the index after the frame
     */
    public static int writeRetry(ByteBuffer buffer, int at, byte[] token, int offset, int length) {
        return writeTokenFrame(buffer, at, FRAME_RETRY, token, offset, length);
    }

    /**
     * Writes a TOKEN frame, which must be the first frame of its datagram.
     *
     * @param buffer the buffer
     * @param at where to write (right after the header)
     * @param token the token a RETRY carried, 1..{@value WireFormat#MAX_TOKEN_LENGTH} bytes
     * @return the index after the frame
     */
    public static int writeToken(ByteBuffer buffer, int at, byte[] token) {
        return writeTokenFrame(buffer, at, FRAME_TOKEN, token, 0, token.length);
    }

    private static int writeTokenFrame(ByteBuffer buffer, int at, int type, byte[] token, int offset, int length) {
        checkArgument(length >= 1 && length <= MAX_TOKEN_LENGTH, "token length must be in 1..%s: %s",
                MAX_TOKEN_LENGTH, length);
        buffer.put(at, (byte) type);
        int i = Varint.write(buffer, at + 1, length);
        buffer.put(i, token, offset, length);
        return i + length;
    }

    /**
     * Writes a PADDING frame that fills the body up to {@code end}: a type byte and zeros. It must
     * be the last frame of its datagram.
     *
     * @param buffer the buffer
     * @param at where to write
     * @param end the index the padding ends at, greater than {@code at}
     * @return {@code end}
     */
    public static int writePadding(ByteBuffer buffer, int at, int end) {
        checkArgument(end > at, "padding needs at least one byte: %s..%s", at, end);
        for (int i = at; i < end; i++) {
            buffer.put(i, (byte) FRAME_PADDING);
        }
        return end;
    }

    /**
     * The length of a DATA frame.
     *
     * @param sequence the message sequence number
     * @param totalLength the whole message's length
     * @param fragmentSize 0 for a whole message, else the fragment size
     * @param fragmentIndex the fragment index
     * @param length the bytes in this frame
     * @return the frame length
     */
    public static int dataLength(long sequence, int totalLength, int fragmentSize, int fragmentIndex, int length) {
        return dataLength(0, sequence, totalLength, fragmentSize, fragmentIndex, length);
    }

    /**
     * The length of a DATA frame on a channel.
     *
     * @param channel the channel, 0..{@value WireFormat#MAX_CHANNEL}
     * @param sequence the message sequence number
     * @param totalLength the whole message's length
     * @param fragmentSize 0 for a whole message
     * @param fragmentIndex the fragment index
     * @param length the bytes in this frame
     * @return its length
     */
    public static int dataLength(int channel, long sequence, int totalLength, int fragmentSize, int fragmentIndex,
            int length) {
        int n = 1 + (channel > 0 ? Varint.size(channel) : 0) + Varint.size(sequence) + Varint.size(length) + length;
        if (fragmentSize > 0) {
            n += Varint.size(totalLength) + Varint.size(fragmentSize) + Varint.size(fragmentIndex);
        }
        return n;
    }

    /**
     * Writes a DATA frame.
     *
     * @param buffer the buffer
     * @param at where to write
     * @param mode the delivery mode, framed
     * @param sequence the message sequence number
     * @param totalLength the whole message's length
     * @param fragmentSize 0 for a whole message, else the size of every fragment but the last
     * @param fragmentIndex the fragment index (0 for a whole message)
     * @param source the bytes
     * @param offset where they start in {@code source}
     * @param length how many
     * @return the index after the frame
     */
    public static int writeData(ByteBuffer buffer, int at, DeliveryMode mode, long sequence, int totalLength,
            int fragmentSize, int fragmentIndex, byte[] source, int offset, int length) {
        return writeData(buffer, at, 0, mode, sequence, totalLength, fragmentSize, fragmentIndex, source, offset,
                length);
    }

    /**
     * Writes a DATA frame on a channel; channel 0 is written without a channel number.
     *
     * @param buffer the buffer
     * @param at where to write
     * @param channel the channel, 0..{@value WireFormat#MAX_CHANNEL}
     * @param mode the delivery mode, framed
     * @param sequence the message sequence number in the channel's space for the mode
     * @param totalLength the whole message's length
     * @param fragmentSize 0 for a whole message, else the size of every fragment but the last
     * @param fragmentIndex the fragment index (0 for a whole message)
     * @param source the bytes
     * @param offset where they start in {@code source}
     * @param length how many
     * @return the index after the frame
     */
    public static int writeData(ByteBuffer buffer, int at, int channel, DeliveryMode mode, long sequence,
            int totalLength, int fragmentSize, int fragmentIndex, byte[] source, int offset, int length) {
        int type = FRAME_DATA | WireFormat.modeCode(mode) | (fragmentSize > 0 ? DATA_FRAGMENTED : 0)
                | (channel > 0 ? DATA_CHANNEL : 0);
        buffer.put(at, (byte) type);
        int i = at + 1;
        if (channel > 0) {
            i = Varint.write(buffer, i, channel);
        }
        i = Varint.write(buffer, i, sequence);
        if (fragmentSize > 0) {
            i = Varint.write(buffer, i, totalLength);
            i = Varint.write(buffer, i, fragmentSize);
            i = Varint.write(buffer, i, fragmentIndex);
        }
        i = Varint.write(buffer, i, length);
        buffer.put(i, source, offset, length);
        return i + length;
    }

    /**
     * Writes an ACK frame with as many of the ranges, largest first, as fit before {@code limit}.
     *
     * @param buffer the buffer
     * @param at where to write
     * @param limit the index the frame must end at or before
     * @param ranges the acknowledged ranges, at least one
     * @param ackDelayMicros the time since the largest was received, in microseconds
     * @param receiveWindow the receive window to advertise, 1..{@link WireFormat#MAX_RECEIVE_WINDOW}
     * @return the index after the frame, or -1 if not even the first range fits
     */
    public static int writeAck(ByteBuffer buffer, int at, int limit, AckRanges ranges, long ackDelayMicros,
            long receiveWindow) {
        checkArgument(ranges.count() > 0, "an ACK needs at least one range");
        long largest = ranges.high(0);
        long firstRange = largest - ranges.low(0);
        int fixed = 1 + Varint.size(largest) + Varint.size(ackDelayMicros) + Varint.size(receiveWindow)
                + Varint.size(firstRange);
        int budget = limit - at - fixed - 1; // the range count: one byte up to 63 ranges
        if (budget < 0) {
            return -1;
        }
        int extra = 0;
        int maxExtra = Math.min(ranges.count() - 1, MAX_ACK_RANGES);
        while (extra < maxExtra) {
            int i = extra + 1;
            long gap = ranges.low(i - 1) - ranges.high(i) - 2;
            int need = Varint.size(gap) + Varint.size(ranges.high(i) - ranges.low(i))
                    + (Varint.size(extra + 1) - Varint.size(extra)); // the count may grow to two bytes
            if (need > budget) {
                break;
            }
            budget -= need;
            extra++;
        }
        buffer.put(at, (byte) FRAME_ACK);
        int i = Varint.write(buffer, at + 1, largest);
        i = Varint.write(buffer, i, ackDelayMicros);
        i = Varint.write(buffer, i, receiveWindow);
        i = Varint.write(buffer, i, firstRange);
        i = Varint.write(buffer, i, extra);
        for (int r = 1; r <= extra; r++) {
            i = Varint.write(buffer, i, ranges.low(r - 1) - ranges.high(r) - 2);
            i = Varint.write(buffer, i, ranges.high(r) - ranges.low(r));
        }
        return i;
    }
}
