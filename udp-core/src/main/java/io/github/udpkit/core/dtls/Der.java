package io.github.udpkit.core.dtls;

import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;

/**
 * A small DER encoder (ITU-T X.690) and the reading of a TLV header: what it takes to write an
 * X.509 certificate and to turn the key formats {@code openssl} writes into PKCS #8, without a
 * dependency.
 */
final class Der {
    static final int INTEGER = 0x02;
    static final int BIT_STRING = 0x03;
    static final int OCTET_STRING = 0x04;
    static final int NULL = 0x05;
    static final int OID = 0x06;
    static final int UTF8_STRING = 0x0C;
    static final int UTC_TIME = 0x17;
    static final int GENERALIZED_TIME = 0x18;
    static final int SEQUENCE = 0x30;
    static final int SET = 0x31;

    private static final DateTimeFormatter UTC = DateTimeFormatter.ofPattern("yyMMddHHmmss'Z'");
    private static final DateTimeFormatter GENERALIZED = DateTimeFormatter.ofPattern("yyyyMMddHHmmss'Z'");

    private Der() {}

    static byte[] tlv(int tag, byte[] content) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(content.length + 6);
        out.write(tag);
        int n = content.length;
        if (n < 0x80) {
            out.write(n);
        } else {
            int bytes = (32 - Integer.numberOfLeadingZeros(n) + 7) / 8;
            out.write(0x80 | bytes);
            for (int i = bytes - 1; i >= 0; i--) {
                out.write(n >>> (8 * i));
            }
        }
        out.writeBytes(content);
        return out.toByteArray();
    }

    static byte[] sequence(byte[]... elements) {
        return tlv(SEQUENCE, concat(elements));
    }

    static byte[] set(byte[]... elements) {
        return tlv(SET, concat(elements));
    }

    /** A context-specific constructed tag, [n] EXPLICIT. */
    static byte[] explicit(int n, byte[] element) {
        return tlv(0xA0 | n, element);
    }

    /** A context-specific primitive tag, [n] IMPLICIT, over primitive content. */
    static byte[] implicit(int n, byte[] content) {
        return tlv(0x80 | n, content);
    }

    static byte[] integer(BigInteger value) {
        return tlv(INTEGER, value.toByteArray());
    }

    static byte[] integer(long value) {
        return integer(BigInteger.valueOf(value));
    }

    static byte[] bool(boolean value) {
        return tlv(0x01, new byte[] {value ? (byte) 0xFF : 0});
    }

    static byte[] nullValue() {
        return new byte[] {NULL, 0};
    }

    static byte[] octetString(byte[] content) {
        return tlv(OCTET_STRING, content);
    }

    /** A BIT STRING of whole bytes (no unused bits). */
    static byte[] bitString(byte[] content) {
        byte[] withUnused = new byte[content.length + 1];
        System.arraycopy(content, 0, withUnused, 1, content.length);
        return tlv(BIT_STRING, withUnused);
    }

    static byte[] utf8(String text) {
        return tlv(UTF8_STRING, text.getBytes(StandardCharsets.UTF_8));
    }

    /** A time as RFC 5280 §4.1.2.5 wants it: UTCTime through 2049, GeneralizedTime from 2050. */
    static byte[] time(ZonedDateTime time) {
        ZonedDateTime utc = time.withZoneSameInstant(ZoneOffset.UTC).withNano(0);
        return utc.getYear() < 2050
                ? tlv(UTC_TIME, UTC.format(utc).getBytes(StandardCharsets.US_ASCII))
                : tlv(GENERALIZED_TIME, GENERALIZED.format(utc).getBytes(StandardCharsets.US_ASCII));
    }

    /** An OBJECT IDENTIFIER from its dotted form, e.g. {@code "1.2.840.10045.2.1"}. */
    static byte[] oid(String dotted) {
        String[] arcs = dotted.split("\\.");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        base128(out, Long.parseLong(arcs[0]) * 40 + Long.parseLong(arcs[1]));
        for (int i = 2; i < arcs.length; i++) {
            base128(out, Long.parseLong(arcs[i]));
        }
        return tlv(OID, out.toByteArray());
    }

    private static void base128(ByteArrayOutputStream out, long value) {
        int groups = Math.max(1, (64 - Long.numberOfLeadingZeros(value) + 6) / 7);
        for (int i = groups - 1; i >= 0; i--) {
            int b = (int) (value >>> (7 * i)) & 0x7F;
            out.write(i == 0 ? b : b | 0x80);
        }
    }

    static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] part : parts) {
            out.writeBytes(part);
        }
        return out.toByteArray();
    }

    /**
     * A cursor over DER input that reads one TLV at a time; every length is checked against what
     * is left, so malformed input throws {@link IllegalArgumentException} and nothing else.
     */
    static final class Reader {
        private final byte[] in;
        private int position;
        private final int end;

        Reader(byte[] in) {
            this(in, 0, in.length);
        }

        private Reader(byte[] in, int start, int end) {
            this.in = in;
            this.position = start;
            this.end = end;
        }

        boolean hasMore() {
            return position < end;
        }

        int peekTag() {
            require(1);
            return in[position] & 0xFF;
        }

        /** Reads a TLV of the given tag and returns a reader over its content. */
        Reader enter(int tag) {
            int length = header(tag);
            Reader inner = new Reader(in, position, position + length);
            position += length;
            return inner;
        }

        /** Reads a TLV of the given tag and returns its content. */
        byte[] read(int tag) {
            int length = header(tag);
            byte[] content = java.util.Arrays.copyOfRange(in, position, position + length);
            position += length;
            return content;
        }

        /** Reads a whole TLV of any tag and returns its encoding, header included. */
        byte[] readEncoded() {
            int start = position;
            int tag = peekTag();
            int length = header(tag);
            position += length;
            return java.util.Arrays.copyOfRange(in, start, position);
        }

        private int header(int tag) {
            require(2);
            int actual = in[position] & 0xFF;
            if (actual != tag) {
                throw new IllegalArgumentException("DER: expected tag 0x" + Integer.toHexString(tag) + ", found 0x"
                        + Integer.toHexString(actual));
            }
            position++;
            int first = in[position++] & 0xFF;
            int length;
            if (first < 0x80) {
                length = first;
            } else {
                int bytes = first & 0x7F;
                if (bytes == 0 || bytes > 3) {
                    throw new IllegalArgumentException("DER: unsupported length of " + bytes + " bytes");
                }
                require(bytes);
                length = 0;
                for (int i = 0; i < bytes; i++) {
                    length = length << 8 | in[position++] & 0xFF;
                }
            }
            require(length);
            return length;
        }

        private void require(int n) {
            if (n < 0 || end - position < n) {
                throw new IllegalArgumentException("DER: truncated");
            }
        }
    }
}
