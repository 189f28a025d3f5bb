package io.github.udpkit.core.dtls;

import java.nio.ByteBuffer;

/**
 * Reads the plaintext parts of DTLS 1.2 records (RFC 6347 §4.1, §4.2.2) without trusting them:
 * every accessor is bounds-checked by its caller through {@link #recordLength}, which returns -1
 * for anything that is not a whole record.
 */
final class DtlsRecords {
    static final int HEADER = 13;
    static final int HANDSHAKE_HEADER = 12;
    static final byte CHANGE_CIPHER_SPEC = 20;
    static final byte ALERT = 21;
    static final byte HANDSHAKE = 22;
    static final byte APPLICATION_DATA = 23;
    static final byte CLIENT_HELLO = 1;
    static final byte HELLO_VERIFY_REQUEST = 3;
    /** DTLS 1.2 on the wire: {254, 253}. */
    static final int DTLS_1_2 = 0xFEFD;
    /** DTLS 1.0 on the wire: {254, 255}. */
    static final int DTLS_1_0 = 0xFEFF;

    private DtlsRecords() {}

    /**
     * Returns the length of the whole record starting at {@code offset}, header included, or -1 if
     * the bytes from there to the limit do not hold a complete record of a DTLS version.
     */
    static int recordLength(ByteBuffer datagram, int offset) {
        int left = datagram.limit() - offset;
        if (left < HEADER) {
            return -1;
        }
        int type = datagram.get(offset) & 0xFF;
        if (type < CHANGE_CIPHER_SPEC || type > APPLICATION_DATA) {
            return -1;
        }
        if ((datagram.get(offset + 1) & 0xFF) != 0xFE) {
            return -1;
        }
        int length = datagram.getShort(offset + 11) & 0xFFFF;
        return HEADER + length <= left ? HEADER + length : -1;
    }

    static byte type(ByteBuffer datagram, int offset) {
        return datagram.get(offset);
    }

    static int version(ByteBuffer datagram, int offset) {
        return datagram.getShort(offset + 1) & 0xFFFF;
    }

    static int epoch(ByteBuffer datagram, int offset) {
        return datagram.getShort(offset + 3) & 0xFFFF;
    }

    /** The 48-bit record sequence number. */
    static long sequence(ByteBuffer datagram, int offset) {
        return ((long) (datagram.getShort(offset + 5) & 0xFFFF) << 32) | (datagram.getInt(offset + 7) & 0xFFFF_FFFFL);
    }

    /**
     * The handshake message type of a plaintext handshake record, or -1 if the record is too
     * short to carry a handshake header.
     */
    static int handshakeType(ByteBuffer datagram, int offset, int recordLength) {
        return recordLength >= HEADER + HANDSHAKE_HEADER ? datagram.get(offset + HEADER) & 0xFF : -1;
    }

    /** The message_seq of a plaintext handshake record whose length was checked by {@link #handshakeType}. */
    static int messageSeq(ByteBuffer datagram, int offset) {
        return datagram.getShort(offset + HEADER + 4) & 0xFFFF;
    }

    /** Whether a plaintext handshake record carries a whole handshake message in one fragment. */
    static boolean unfragmented(ByteBuffer datagram, int offset, int recordLength) {
        int length = int24(datagram, offset + HEADER + 1);
        int fragmentOffset = int24(datagram, offset + HEADER + 6);
        int fragmentLength = int24(datagram, offset + HEADER + 9);
        return fragmentOffset == 0 && fragmentLength == length && HEADER + HANDSHAKE_HEADER + length == recordLength;
    }

    /**
     * Returns a copy of a whole, unfragmented ClientHello record (as {@code DtlsHost} admits them)
     * with its cookie removed, its message_seq and record sequence number 0: the client's first
     * ClientHello as it would have been.
     */
    static ByteBuffer withoutCookie(ByteBuffer clientHello) {
        int start = clientHello.position();
        int body = start + HEADER + HANDSHAKE_HEADER;
        int cookieAt = body + 35 + (clientHello.get(body + 34) & 0xFF);
        int cookieLength = clientHello.get(cookieAt) & 0xFF;
        int length = clientHello.remaining() - cookieLength;
        ByteBuffer copy = ByteBuffer.allocate(length);
        copy.put(clientHello.duplicate().limit(cookieAt + 1));
        copy.put(copy.position() - 1, (byte) 0);
        copy.put(clientHello.duplicate().position(cookieAt + 1 + cookieLength));
        copy.flip();
        copy.putShort(11, (short) (length - HEADER));
        putInt24(copy, HEADER + 1, length - HEADER - HANDSHAKE_HEADER);
        copy.putShort(HEADER + 4, (short) 0);
        putInt24(copy, HEADER + 9, length - HEADER - HANDSHAKE_HEADER);
        putSequence(copy, 0, 0);
        return copy;
    }

    static int int24(ByteBuffer buffer, int offset) {
        return (buffer.get(offset) & 0xFF) << 16 | (buffer.get(offset + 1) & 0xFF) << 8 | buffer.get(offset + 2) & 0xFF;
    }

    static void putInt24(ByteBuffer buffer, int offset, int value) {
        buffer.put(offset, (byte) (value >>> 16)).put(offset + 1, (byte) (value >>> 8)).put(offset + 2, (byte) value);
    }

    static void putSequence(ByteBuffer buffer, int offset, long sequence) {
        buffer.putShort(offset + 5, (short) (sequence >>> 32)).putInt(offset + 7, (int) sequence);
    }

    /** The name of a TLS alert description (RFC 5246 §7.2, RFC 8446 §6), or its number. */
    static String alertName(int description) {
        return switch (description) {
            case 0 -> "close_notify";
            case 10 -> "unexpected_message";
            case 20 -> "bad_record_mac";
            case 22 -> "record_overflow";
            case 40 -> "handshake_failure";
            case 42 -> "bad_certificate";
            case 43 -> "unsupported_certificate";
            case 44 -> "certificate_revoked";
            case 45 -> "certificate_expired";
            case 46 -> "certificate_unknown";
            case 47 -> "illegal_parameter";
            case 48 -> "unknown_ca";
            case 49 -> "access_denied";
            case 50 -> "decode_error";
            case 51 -> "decrypt_error";
            case 70 -> "protocol_version";
            case 71 -> "insufficient_security";
            case 80 -> "internal_error";
            case 90 -> "user_canceled";
            case 109 -> "missing_extension";
            case 110 -> "unsupported_extension";
            case 112 -> "unrecognized_name";
            case 116 -> "certificate_required";
            case 120 -> "no_application_protocol";
            default -> "alert " + description;
        };
    }
}
