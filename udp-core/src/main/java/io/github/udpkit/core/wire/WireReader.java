package io.github.udpkit.core.wire;

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
import static io.github.udpkit.core.wire.WireFormat.MAX_CHANNEL;
import static io.github.udpkit.core.wire.WireFormat.MAGIC_1;
import static io.github.udpkit.core.wire.WireFormat.MAX_ACK_RANGES;
import static io.github.udpkit.api.Endpoint.MAX_DATAGRAM_PAYLOAD;
import static io.github.udpkit.core.wire.WireFormat.MAX_MESSAGE_SIZE;
import static io.github.udpkit.core.wire.WireFormat.MAX_PACKET_NUMBER;
import static io.github.udpkit.core.wire.WireFormat.MAX_RECEIVE_WINDOW;
import static io.github.udpkit.core.wire.WireFormat.MAX_TOKEN_LENGTH;
import static io.github.udpkit.core.wire.WireFormat.VERSION;

import io.github.udpkit.api.DeliveryMode;
import java.nio.ByteBuffer;

/**
 * Reads udpkit datagrams without allocating and without throwing: every field is checked against
 * its bounds before it is used, and a fault is reported as a status code. One reader is reused
 * for many datagrams by one thread.
 *
 * <p>Buffers must be big-endian; the reader uses absolute indices only, so it never moves a
 * buffer's position. Call {@link #readHeader} first, then {@link #readFrames} on the body: once
 * without a visitor to validate the whole datagram, then with one to act on it, so that a
 * datagram is either rejected whole or processed whole.
 *
 * @since 0.1.0
 */
public final class WireReader {
    /** The bytes are valid. */
    public static final int OK = 0;
    /** A field runs past the end of the datagram. */
    public static final int TRUNCATED = 1;
    /** The datagram does not start with the udpkit magic: foreign traffic. */
    public static final int BAD_MAGIC = 2;
    /** A version this reader does not speak. */
    public static final int BAD_VERSION = 3;
    /** Reserved flag bits are set. */
    public static final int BAD_FLAGS = 4;
    /** The source session id is zero. */
    public static final int BAD_SESSION = 5;
    /** A varint is not in its shortest form. */
    public static final int NON_MINIMAL_VARINT = 6;
    /** An unknown frame type. */
    public static final int UNKNOWN_FRAME = 7;
    /** A DATA frame's fields are inconsistent (length past the end, bad fragment numbers). */
    public static final int BAD_DATA = 8;
    /** An ACK frame's ranges run below zero, are too many, or its window is out of range. */
    public static final int BAD_ACK = 9;
    /** The datagram has no frames. */
    public static final int NO_FRAMES = 10;
    /**
     * A RETRY or TOKEN frame is out of place (a TOKEN not first, a RETRY not alone), or its token
     * length is out of range.
     */
    public static final int BAD_TOKEN = 11;
    /** PADDING holds a byte other than zero. */
    public static final int BAD_PADDING = 12;
    /** A CLOSE frame's reason is longer than allowed or than the datagram. */
    public static final int BAD_CLOSE = 13;
    /** The packet number is above {@link WireFormat#MAX_PACKET_NUMBER}. */
    public static final int BAD_PACKET_NUMBER = 14;

    private static final String[] DESCRIPTIONS = {
        "ok", "truncated", "bad magic", "unsupported version", "reserved flags set", "zero source session",
        "non-minimal varint", "unknown frame type", "bad DATA frame", "bad ACK frame", "no frames",
        "bad RETRY or TOKEN frame", "nonzero padding", "bad CLOSE frame", "packet number above 2^53 - 1"
    };

    private final AckRanges ackRanges = new AckRanges(MAX_ACK_RANGES + 1);
    private long sourceSession;
    private long destinationSession;
    private long packetNumber;
    private int headerLength;
    private boolean ackEliciting;
    private boolean hasClose;
    private boolean hasPing;
    private boolean hasRetry;
    private int tokenOffset;
    private int tokenLength;
    private int cursor;
    private long value;

    /**
     * A short description of a status code, for logs.
     *
     * @param status a status returned by this class
     * @return the description
     */
    public static String describe(int status) {
        return isStatus(status) ? DESCRIPTIONS[status] : "status " + status;
    }

    /**
     * Whether a number is one of this class's status codes: {@link #OK} or a fault. Checks that
     * hold for any status derive their bound from here, not from a copy of the last constant.
     *
     * @param status a number
     * @return whether the reader ever returns it
     */
    public static boolean isStatus(int status) {
        return status >= 0 && status < DESCRIPTIONS.length;
    }

    /**
     * Reads and checks a datagram header.
     *
     * @param buffer the datagram
     * @param from the index of its first byte
     * @param to the index after its last byte
     * @return {@link #OK}, or the fault
     */
    public int readHeader(ByteBuffer buffer, int from, int to) {
        if (to - from < 2) {
            return TRUNCATED;
        }
        if (buffer.get(from) != MAGIC_0 || buffer.get(from + 1) != MAGIC_1) {
            return BAD_MAGIC;
        }
        if (to - from < FIXED_HEADER_LENGTH + 1) {
            return TRUNCATED;
        }
        if ((buffer.get(from + 2) & 0xff) != VERSION) {
            return BAD_VERSION;
        }
        if (buffer.get(from + 3) != 0) {
            return BAD_FLAGS;
        }
        long source = buffer.getLong(from + 4);
        if (source == 0) {
            return BAD_SESSION;
        }
        long destination = buffer.getLong(from + 12);
        cursor = from + FIXED_HEADER_LENGTH;
        int status = readVarint(buffer, to);
        if (status != OK) {
            return status;
        }
        if (value > MAX_PACKET_NUMBER) {
            return BAD_PACKET_NUMBER;
        }
        sourceSession = source;
        destinationSession = destination;
        packetNumber = value;
        headerLength = cursor - from;
        return OK;
    }

    /**
     * Reads the frames of a datagram body, validating each.
     *
     * @param buffer the datagram
     * @param from the index of the first frame
     * @param to the index after the last frame
     * @param visitor receives the frames; null to validate only
     * @return {@link #OK}, or the first fault (with a visitor, frames before the fault have been
     *     visited: validate first)
     */
    public int readFrames(ByteBuffer buffer, int from, int to, FrameVisitor visitor) {
        ackEliciting = false;
        hasClose = false;
        hasPing = false;
        hasRetry = false;
        tokenOffset = -1;
        tokenLength = 0;
        if (from >= to) {
            return NO_FRAMES;
        }
        cursor = from;
        while (cursor < to) {
            int type = buffer.get(cursor++) & 0xff;
            int status;
            if (type == FRAME_PING) {
                ackEliciting = true;
                hasPing = true;
                if (visitor != null && !visitor.onPing()) {
                    return OK;
                }
            } else if (type == FRAME_ACK) {
                status = readAck(buffer, to, visitor);
                if (status != OK) {
                    return status;
                }
                if (visitor != null && cursor < 0) {
                    return OK; // visitor asked to stop
                }
            } else if (type == FRAME_CLOSE) {
                status = readVarint(buffer, to);
                if (status != OK) {
                    return status;
                }
                long code = value;
                if ((status = readVarint(buffer, to)) != OK) {
                    return status;
                }
                if (value > WireFormat.MAX_CLOSE_REASON || value > to - cursor
                        || !isUtf8(buffer, cursor, (int) value)) {
                    return BAD_CLOSE;
                }
                int reasonOffset = cursor;
                int reasonLength = (int) value;
                cursor += reasonLength;
                hasClose = true;
                if (visitor != null && !visitor.onClose(code, buffer, reasonOffset, reasonLength)) {
                    return OK;
                }
            } else if ((type & ~(DATA_CHANNEL | DATA_FRAGMENTED | 3)) == FRAME_DATA) {
                ackEliciting = true;
                status = readData(buffer, to, type, visitor);
                if (status != OK) {
                    return status;
                }
                if (cursor < 0) {
                    return OK;
                }
            } else if (type == FRAME_PADDING) {
                // The rest of the body is padding: one encoding only, so every byte must be zero.
                for (int i = cursor; i < to; i++) {
                    if (buffer.get(i) != 0) {
                        return BAD_PADDING;
                    }
                }
                int length = to - cursor + 1;
                cursor = to;
                if (visitor != null && !visitor.onPadding(length)) {
                    return OK;
                }
            } else if (type == FRAME_RETRY || type == FRAME_TOKEN) {
                status = readToken(buffer, from, to, type == FRAME_RETRY, visitor);
                if (status != OK) {
                    return status;
                }
                if (cursor < 0) {
                    return OK;
                }
            } else {
                return UNKNOWN_FRAME;
            }
        }
        return OK;
    }

    /** A RETRY (alone in its datagram) or a TOKEN (first in its datagram): a length and the token. */
    private int readToken(ByteBuffer buffer, int from, int to, boolean retry, FrameVisitor visitor) {
        if (cursor - 1 != from) {
            return BAD_TOKEN;
        }
        int status = readVarint(buffer, to);
        if (status != OK) {
            return status;
        }
        if (value < 1 || value > MAX_TOKEN_LENGTH || value > to - cursor || (retry && value != to - cursor)) {
            return BAD_TOKEN;
        }
        int length = (int) value;
        int offset = cursor;
        cursor += length;
        hasRetry = retry;
        tokenOffset = offset;
        tokenLength = length;
        if (visitor != null && !(retry ? visitor.onRetry(buffer, offset, length) : visitor.onToken(buffer, offset, length))) {
            cursor = -1;
        }
        return OK;
    }

    private int readAck(ByteBuffer buffer, int to, FrameVisitor visitor) {
        int status = readVarint(buffer, to);
        if (status != OK) {
            return status;
        }
        long largest = value;
        if ((status = readVarint(buffer, to)) != OK) {
            return status;
        }
        long delay = value;
        if ((status = readVarint(buffer, to)) != OK) {
            return status;
        }
        long window = value;
        if (window < 1 || window > MAX_RECEIVE_WINDOW) {
            return BAD_ACK;
        }
        if ((status = readVarint(buffer, to)) != OK) {
            return status;
        }
        long firstRange = value;
        if (firstRange > largest) {
            return BAD_ACK;
        }
        if ((status = readVarint(buffer, to)) != OK) {
            return status;
        }
        long rangeCount = value;
        if (rangeCount > MAX_ACK_RANGES) {
            return BAD_ACK;
        }
        ackRanges.clear();
        long smallest = largest - firstRange;
        ackRanges.add(largest, smallest);
        for (int i = 0; i < rangeCount; i++) {
            if ((status = readVarint(buffer, to)) != OK) {
                return status;
            }
            long gap = value;
            if ((status = readVarint(buffer, to)) != OK) {
                return status;
            }
            long length = value;
            if (gap + 2 > smallest) {
                return BAD_ACK;
            }
            long high = smallest - gap - 2;
            if (length > high) {
                return BAD_ACK;
            }
            smallest = high - length;
            ackRanges.add(high, smallest);
        }
        if (visitor != null && !visitor.onAck(ackRanges, delay, window)) {
            cursor = -1;
        }
        return OK;
    }

    private int readData(ByteBuffer buffer, int to, int type, FrameVisitor visitor) {
        int status;
        int channel = 0;
        if ((type & DATA_CHANNEL) != 0) {
            if ((status = readVarint(buffer, to)) != OK) {
                return status;
            }
            if (value < 1 || value > MAX_CHANNEL) { // channel 0 has one encoding: without the bit
                return BAD_DATA;
            }
            channel = (int) value;
        }
        status = readVarint(buffer, to);
        if (status != OK) {
            return status;
        }
        long sequence = value;
        int total = 0;
        int fragmentSize = 0;
        int index = 0;
        int expectedLength = -1;
        if ((type & DATA_FRAGMENTED) != 0) {
            if ((status = readVarint(buffer, to)) != OK) {
                return status;
            }
            if (value < 2 || value > MAX_MESSAGE_SIZE) {
                return BAD_DATA;
            }
            total = (int) value;
            if ((status = readVarint(buffer, to)) != OK) {
                return status;
            }
            if (value < 1 || value >= total || value > MAX_DATAGRAM_PAYLOAD) {
                return BAD_DATA;
            }
            fragmentSize = (int) value;
            int count = (total + fragmentSize - 1) / fragmentSize;
            if ((status = readVarint(buffer, to)) != OK) {
                return status;
            }
            if (value >= count) {
                return BAD_DATA;
            }
            index = (int) value;
            expectedLength = index < count - 1 ? fragmentSize : total - (count - 1) * fragmentSize;
        }
        if ((status = readVarint(buffer, to)) != OK) {
            return status;
        }
        if (value > to - cursor || (expectedLength >= 0 && value != expectedLength)) {
            return BAD_DATA;
        }
        int length = (int) value;
        if (expectedLength < 0) {
            total = length;
        }
        int offset = cursor;
        cursor += length;
        if (visitor != null && !visitor.onData(channel, WireFormat.mode(type), sequence, total, fragmentSize, index,
                buffer, offset, length)) {
            cursor = -1;
        }
        return OK;
    }

    /**
     * Whether bytes are well-formed UTF-8 (RFC 3629: shortest forms, no surrogates, at most
     * U+10FFFF), so that a CLOSE reason has exactly one encoding. Allocates nothing.
     */
    static boolean isUtf8(ByteBuffer buffer, int from, int length) {
        int i = from;
        int end = from + length;
        while (i < end) {
            int b = buffer.get(i) & 0xff;
            if (b < 0x80) {
                i++;
                continue;
            }
            int extra;
            int low = 0x80;
            int high = 0xbf;
            if (b >= 0xc2 && b <= 0xdf) {
                extra = 1;
            } else if (b >= 0xe0 && b <= 0xef) {
                extra = 2;
                if (b == 0xe0) {
                    low = 0xa0;
                } else if (b == 0xed) {
                    high = 0x9f;
                }
            } else if (b >= 0xf0 && b <= 0xf4) {
                extra = 3;
                if (b == 0xf0) {
                    low = 0x90;
                } else if (b == 0xf4) {
                    high = 0x8f;
                }
            } else {
                return false;
            }
            if (end - i <= extra) {
                return false;
            }
            int second = buffer.get(i + 1) & 0xff;
            if (second < low || second > high) {
                return false;
            }
            for (int k = 2; k <= extra; k++) {
                int c = buffer.get(i + k) & 0xff;
                if (c < 0x80 || c > 0xbf) {
                    return false;
                }
            }
            i += extra + 1;
        }
        return true;
    }

    private int readVarint(ByteBuffer buffer, int to) {
        if (cursor >= to) {
            return TRUNCATED;
        }
        int length = Varint.lengthOf(buffer.get(cursor));
        if (to - cursor < length) {
            return TRUNCATED;
        }
        long v = Varint.read(buffer, cursor, length);
        if (length > 1 && v < 1L << (8 * (length >> 1) - 2)) {
            return NON_MINIMAL_VARINT;
        }
        value = v;
        cursor += length;
        return OK;
    }

    /** The source session of the last header read. */
    public long sourceSession() {
        return sourceSession;
    }

    /** The destination session of the last header read (0: the sender does not know it yet). */
    public long destinationSession() {
        return destinationSession;
    }

    /** The packet number of the last header read. */
    public long packetNumber() {
        return packetNumber;
    }

    /** The length of the last header read, 21..28 bytes. */
    public int headerLength() {
        return headerLength;
    }

    /** Whether the last body read holds a frame that asks for an ACK (DATA or PING). */
    public boolean ackEliciting() {
        return ackEliciting;
    }

    /** Whether the last body read holds a PING frame. */
    public boolean hasPing() {
        return hasPing;
    }

    /** Whether the last body read holds a CLOSE frame. */
    public boolean hasClose() {
        return hasClose;
    }

    /** Whether the last body read is a RETRY; its token is at {@link #tokenOffset()}. */
    public boolean hasRetry() {
        return hasRetry;
    }

    /** The absolute index of the token of the last body's RETRY or TOKEN frame; -1 if it has neither. */
    public int tokenOffset() {
        return tokenOffset;
    }

    /** The length of the token at {@link #tokenOffset()}, 1..{@value WireFormat#MAX_TOKEN_LENGTH}; 0 if none. */
    public int tokenLength() {
        return tokenLength;
    }
}
