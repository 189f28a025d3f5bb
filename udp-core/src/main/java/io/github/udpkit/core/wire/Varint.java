package io.github.udpkit.core.wire;

import static com.google.common.base.Preconditions.checkArgument;

import java.nio.ByteBuffer;

/**
 * Variable-length integers as QUIC encodes them (RFC 9000, section 16): the two high bits of the
 * first byte give the length (1, 2, 4 or 8 bytes), the rest is the value, big-endian, up to
 * 2<sup>62</sup>-1.
 *
 * <p>udpkit requires the shortest encoding of every value, so that each message has exactly one
 * encoding; {@link WireReader} rejects longer ones. The length is known from the first byte, so a
 * reader bounds-checks once before reading.
 *
 * @since 0.1.0
 */
public final class Varint {
    /** The largest value a varint can hold, 2<sup>62</sup>-1. */
    public static final long MAX_VALUE = (1L << 62) - 1;

    private Varint() {
    }

    /**
     * The number of bytes the shortest encoding of a value takes.
     *
     * @param value a value in 0..{@link #MAX_VALUE}
     * @return 1, 2, 4 or 8
     * @throws IllegalArgumentException if the value is out of range
     */
    public static int size(long value) {
        checkArgument(value >= 0 && value <= MAX_VALUE, "varint value must be in 0..2^62-1: %s", value);
        if (value < 1 << 6) {
            return 1;
        }
        if (value < 1 << 14) {
            return 2;
        }
        if (value < 1L << 30) {
            return 4;
        }
        return 8;
    }

    /**
     * The length of the varint that starts with a byte.
     *
     * @param firstByte the first byte of an encoding
     * @return 1, 2, 4 or 8
     */
    public static int lengthOf(byte firstByte) {
        return 1 << ((firstByte & 0xff) >>> 6);
    }

    /**
     * Writes the shortest encoding of a value at an absolute index (the buffer's position is
     * unchanged; it must be big-endian).
     *
     * @param buffer the buffer
     * @param index where to write
     * @param value the value, 0..{@link #MAX_VALUE}
     * @return the index after the encoding
     */
    public static int write(ByteBuffer buffer, int index, long value) {
        switch (size(value)) {
            case 1:
                buffer.put(index, (byte) value);
                return index + 1;
            case 2:
                buffer.putShort(index, (short) (value | 0x4000));
                return index + 2;
            case 4:
                buffer.putInt(index, (int) (value | 0x8000_0000L));
                return index + 4;
            default:
                buffer.putLong(index, value | 0xC000_0000_0000_0000L);
                return index + 8;
        }
    }

    /**
     * Reads a varint of a known length at an absolute index, without checking bounds or
     * minimality (the caller has checked that {@code length} bytes are there).
     *
     * @param buffer a big-endian buffer
     * @param index where the encoding starts
     * @param length its length, from {@link #lengthOf}
     * @return the value
     */
    public static long read(ByteBuffer buffer, int index, int length) {
        switch (length) {
            case 1:
                return buffer.get(index) & 0x3f;
            case 2:
                return buffer.getShort(index) & 0x3fff;
            case 4:
                return buffer.getInt(index) & 0x3fff_ffffL;
            default:
                return buffer.getLong(index) & MAX_VALUE;
        }
    }
}
