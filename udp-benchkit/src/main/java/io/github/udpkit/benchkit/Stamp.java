package io.github.udpkit.benchkit;

import java.nio.ByteBuffer;

/**
 * Where a benchmark message carries its identity: a round number (int) and a sequence number (long),
 * big-endian, in its first 12 bytes, so the receiving side counts messages by content, not by guess.
 *
 * @since 0.1.0
 */
public final class Stamp {

    /** The bytes a stamp takes at the start of every message; the smallest payload a scenario may use. */
    public static final int LENGTH = Integer.BYTES + Long.BYTES;
    /** Offset of the round number. */
    public static final int ROUND_OFFSET = 0;
    /** Offset of the sequence number. */
    public static final int SEQUENCE_OFFSET = Integer.BYTES;

    private Stamp() {
    }

    /**
     * Writes a stamp into the start of a message.
     *
     * @param message at least {@link #LENGTH} bytes
     * @param round the round number
     * @param sequence the sequence number within the round
     */
    public static void put(byte[] message, int round, long sequence) {
        putInt(message, ROUND_OFFSET, round);
        putInt(message, SEQUENCE_OFFSET, (int) (sequence >>> 32));
        putInt(message, SEQUENCE_OFFSET + Integer.BYTES, (int) sequence);
    }

    /**
     * Reads the round number of a message.
     *
     * @param message at least {@link #LENGTH} bytes
     * @return the round number
     */
    public static int round(byte[] message) {
        return getInt(message, ROUND_OFFSET);
    }

    /**
     * Reads the sequence number of a message.
     *
     * @param message at least {@link #LENGTH} bytes
     * @return the sequence number
     */
    public static long sequence(byte[] message) {
        return ((long) getInt(message, SEQUENCE_OFFSET) << 32)
                | (getInt(message, SEQUENCE_OFFSET + Integer.BYTES) & 0xFFFF_FFFFL);
    }

    /**
     * Reads the round number of a message in a buffer, at the buffer's position plus an offset.
     *
     * @param buffer a big-endian buffer
     * @param start where the message starts
     * @return the round number
     */
    public static int round(ByteBuffer buffer, int start) {
        return buffer.getInt(start + ROUND_OFFSET);
    }

    /**
     * Reads the sequence number of a message in a buffer.
     *
     * @param buffer a big-endian buffer
     * @param start where the message starts
     * @return the sequence number
     */
    public static long sequence(ByteBuffer buffer, int start) {
        return buffer.getLong(start + SEQUENCE_OFFSET);
    }

    private static void putInt(byte[] b, int at, int v) {
        b[at] = (byte) (v >>> 24);
        b[at + 1] = (byte) (v >>> 16);
        b[at + 2] = (byte) (v >>> 8);
        b[at + 3] = (byte) v;
    }

    private static int getInt(byte[] b, int at) {
        return (b[at] & 0xFF) << 24 | (b[at + 1] & 0xFF) << 16 | (b[at + 2] & 0xFF) << 8 | b[at + 3] & 0xFF;
    }
}
