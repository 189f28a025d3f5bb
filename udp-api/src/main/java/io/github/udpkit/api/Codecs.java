package io.github.udpkit.api;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.Charset;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.function.Function;

/**
 * The common codecs: text in a charset (strictly decoded), raw bytes, and derived codecs.
 *
 * @since 0.1.0
 */
public final class Codecs {

    private static final Codec<String> UTF8 = new StringCodec(StandardCharsets.UTF_8);
    private static final Codec<byte[]> BYTES = new BytesCodec();

    private Codecs() {
    }

    /**
     * Text as UTF-8. Decoding is strict: malformed UTF-8 is a {@link CodecException}, never a
     * string with replacement characters.
     *
     * @return the codec
     */
    public static Codec<String> utf8() {
        return UTF8;
    }

    /**
     * Text in the given charset, strictly decoded and encoded: unmappable characters are errors.
     *
     * @param charset the charset
     * @return the codec
     */
    public static Codec<String> string(Charset charset) {
        Objects.requireNonNull(charset, "charset");
        return StandardCharsets.UTF_8.equals(charset) ? UTF8 : new StringCodec(charset);
    }

    /**
     * The bytes themselves. Encoding hands the array over as it is (do not change it while it is
     * being sent); decoding copies the received bytes into a new array.
     *
     * @return the codec
     */
    public static Codec<byte[]> bytes() {
        return BYTES;
    }

    /**
     * Derives a codec: values of type {@code R} travel as {@code codec} encodes their mapping.
     *
     * @param codec the underlying codec
     * @param decoded maps a decoded value to the new type; its exceptions become {@link CodecException}
     * @param encoded maps a value of the new type for encoding
     * @param <T> the underlying type
     * @param <R> the new type
     * @return the derived codec
     */
    public static <T, R> Codec<R> map(
            Codec<T> codec, Function<? super T, ? extends R> decoded, Function<? super R, ? extends T> encoded) {
        Objects.requireNonNull(codec, "codec");
        Objects.requireNonNull(decoded, "decoded");
        Objects.requireNonNull(encoded, "encoded");
        return new Codec<>() {
            @Override
            public byte[] encode(R value) {
                return codec.encode(Objects.requireNonNull(encoded.apply(value), "encoded mapping returned null"));
            }

            @Override
            public int encode(R value, ByteBuffer into) {
                return codec.encode(Objects.requireNonNull(encoded.apply(value), "encoded mapping returned null"), into);
            }

            @Override
            public R decode(ByteBuffer bytes) {
                T value = codec.decode(bytes);
                try {
                    return Codec.requireDecoded(decoded.apply(value), "decoded mapping");
                } catch (CodecException e) {
                    throw e;
                } catch (RuntimeException e) {
                    throw new CodecException("cannot map decoded value: " + e, e);
                }
            }
        };
    }

    private static final class StringCodec implements Codec<String> {
        private final Charset charset;

        StringCodec(Charset charset) {
            this.charset = charset;
        }

        @Override
        public byte[] encode(String value) {
            Objects.requireNonNull(value, "value");
            if (charset.equals(StandardCharsets.UTF_8)) {
                // String.getBytes is the JDK's fast path; lone surrogates are the only unmappable input.
                if (hasLoneSurrogate(value)) {
                    throw new CodecException("string has an unpaired surrogate, not valid UTF-8");
                }
                return value.getBytes(charset);
            }
            try {
                ByteBuffer out = charset.newEncoder()
                        .onMalformedInput(CodingErrorAction.REPORT)
                        .onUnmappableCharacter(CodingErrorAction.REPORT)
                        .encode(CharBuffer.wrap(value));
                byte[] bytes = new byte[out.remaining()];
                out.get(bytes);
                return bytes;
            } catch (CharacterCodingException e) {
                throw new CodecException("string cannot be encoded in " + charset + ": " + e, e);
            }
        }

        /**
         * UTF-8 is written by hand, straight into the buffer: measured first (which also finds a
         * lone surrogate before a byte is written), then written, with no intermediate array.
         * Other charsets go through their encoder's array, as {@link #encode(String)} does.
         */
        @Override
        public int encode(String value, ByteBuffer into) {
            Objects.requireNonNull(value, "value");
            if (!charset.equals(StandardCharsets.UTF_8)) {
                return Codec.super.encode(value, into);
            }
            int size = utf8Length(value);
            if (size > into.remaining()) {
                return -size;
            }
            if (into.hasArray()) {
                int at = into.arrayOffset() + into.position();
                writeUtf8(value, into.array(), at);
                into.position(into.position() + size);
            } else {
                for (int i = 0; i < value.length(); i++) {
                    int c = value.charAt(i);
                    if (c < 0x80) {
                        into.put((byte) c);
                    } else if (c < 0x800) {
                        into.put((byte) (0xC0 | c >> 6)).put((byte) (0x80 | c & 0x3F));
                    } else if (Character.isHighSurrogate((char) c)) {
                        int cp = Character.toCodePoint((char) c, value.charAt(++i));
                        into.put((byte) (0xF0 | cp >> 18)).put((byte) (0x80 | cp >> 12 & 0x3F))
                                .put((byte) (0x80 | cp >> 6 & 0x3F)).put((byte) (0x80 | cp & 0x3F));
                    } else {
                        into.put((byte) (0xE0 | c >> 12)).put((byte) (0x80 | c >> 6 & 0x3F)).put((byte) (0x80 | c & 0x3F));
                    }
                }
            }
            return size;
        }

        /** The UTF-8 length of a string; throws for a lone surrogate, which UTF-8 cannot carry. */
        private static int utf8Length(String s) {
            int size = s.length();
            for (int i = 0; i < s.length(); i++) {
                char c = s.charAt(i);
                if (c < 0x80) {
                    continue;
                }
                if (c < 0x800) {
                    size += 1;
                } else if (Character.isHighSurrogate(c)) {
                    if (i + 1 >= s.length() || !Character.isLowSurrogate(s.charAt(i + 1))) {
                        throw new CodecException("string has an unpaired surrogate, not valid UTF-8");
                    }
                    size += 2; // two chars, four bytes
                    i++;
                } else if (Character.isLowSurrogate(c)) {
                    throw new CodecException("string has an unpaired surrogate, not valid UTF-8");
                } else {
                    size += 2;
                }
            }
            return size;
        }

        private static void writeUtf8(String s, byte[] out, int at) {
            for (int i = 0; i < s.length(); i++) {
                int c = s.charAt(i);
                if (c < 0x80) {
                    out[at++] = (byte) c;
                } else if (c < 0x800) {
                    out[at++] = (byte) (0xC0 | c >> 6);
                    out[at++] = (byte) (0x80 | c & 0x3F);
                } else if (Character.isHighSurrogate((char) c)) {
                    int cp = Character.toCodePoint((char) c, s.charAt(++i));
                    out[at++] = (byte) (0xF0 | cp >> 18);
                    out[at++] = (byte) (0x80 | cp >> 12 & 0x3F);
                    out[at++] = (byte) (0x80 | cp >> 6 & 0x3F);
                    out[at++] = (byte) (0x80 | cp & 0x3F);
                } else {
                    out[at++] = (byte) (0xE0 | c >> 12);
                    out[at++] = (byte) (0x80 | c >> 6 & 0x3F);
                    out[at++] = (byte) (0x80 | c & 0x3F);
                }
            }
        }

        @Override
        public String decode(ByteBuffer bytes) {
            if (bytes.hasArray() && isAscii(bytes)) {
                // Plain ASCII is valid in every ASCII-compatible charset: skip the decoder.
                String s = new String(bytes.array(), bytes.arrayOffset() + bytes.position(), bytes.remaining(),
                        StandardCharsets.ISO_8859_1);
                bytes.position(bytes.limit());
                return s;
            }
            try {
                return charset.newDecoder()
                        .onMalformedInput(CodingErrorAction.REPORT)
                        .onUnmappableCharacter(CodingErrorAction.REPORT)
                        .decode(bytes)
                        .toString();
            } catch (CharacterCodingException e) {
                throw new CodecException("bytes are not valid " + charset + ": " + e, e);
            }
        }

        private boolean isAscii(ByteBuffer bytes) {
            if (!charset.equals(StandardCharsets.UTF_8) && !charset.equals(StandardCharsets.US_ASCII)
                    && !charset.equals(StandardCharsets.ISO_8859_1)) {
                return false;
            }
            byte[] a = bytes.array();
            int end = bytes.arrayOffset() + bytes.limit();
            for (int i = bytes.arrayOffset() + bytes.position(); i < end; i++) {
                if (a[i] < 0) {
                    return false;
                }
            }
            return true;
        }

        private static boolean hasLoneSurrogate(String s) {
            for (int i = 0; i < s.length(); i++) {
                char c = s.charAt(i);
                if (Character.isHighSurrogate(c)) {
                    if (i + 1 >= s.length() || !Character.isLowSurrogate(s.charAt(i + 1))) {
                        return true;
                    }
                    i++;
                } else if (Character.isLowSurrogate(c)) {
                    return true;
                }
            }
            return false;
        }

        @Override
        public String toString() {
            return "Codecs.string(" + charset + ")";
        }
    }

    private static final class BytesCodec implements Codec<byte[]> {
        @Override
        public byte[] encode(byte[] value) {
            return Objects.requireNonNull(value, "value");
        }

        @Override
        public int encode(byte[] value, ByteBuffer into) {
            Objects.requireNonNull(value, "value");
            if (value.length > into.remaining()) {
                return -value.length;
            }
            into.put(value);
            return value.length;
        }

        @Override
        public byte[] decode(ByteBuffer bytes) {
            byte[] copy = new byte[bytes.remaining()];
            bytes.get(copy);
            return copy;
        }

        @Override
        public String toString() {
            return "Codecs.bytes()";
        }
    }
}
