package io.github.udpkit.cli;

import static com.google.common.base.Preconditions.checkArgument;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Optional;

/**
 * Upper-cases UTF-8 text the way the seeds' Python servers do with {@code bytes.decode().upper()}.
 *
 * <p>Java's {@code toUpperCase(Locale.ROOT)} applies the same Unicode full case mapping as Python's
 * {@code str.upper()}, special casings included ({@code ß} becomes {@code SS}), with no locale rules
 * (no Turkish dotted I); {@link Locale#ROOT} keeps it independent of the machine's locale.
 */
final class Uppercase {

    private Uppercase() {
    }

    /** Upper-cases text. */
    static String of(String text) {
        return text.toUpperCase(Locale.ROOT);
    }

    /**
     * Upper-cases one datagram's worth of UTF-8.
     *
     * @return the upper-cased UTF-8, or empty if the bytes are not valid UTF-8
     */
    static Optional<byte[]> datagram(byte[] utf8) {
        try {
            String text = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(utf8))
                    .toString();
            return Optional.of(of(text).getBytes(StandardCharsets.UTF_8));
        } catch (CharacterCodingException e) {
            return Optional.empty();
        }
    }

    /**
     * Upper-cases a UTF-8 byte stream chunk by chunk, as a TCP echo server receives it: a character
     * whose bytes are split across two reads is held back until its last byte arrives. One instance
     * per stream; not thread-safe.
     */
    static final class Stream {
        private final CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        private final CharBuffer chars;

        /**
         * Creates the transform.
         *
         * @param maxChunk the most bytes one call to {@link #next} is given
         */
        Stream(int maxChunk) {
            checkArgument(maxChunk > 0, "maxChunk must be positive: %s", maxChunk);
            // UTF-8 never decodes to more UTF-16 chars than it has bytes.
            this.chars = CharBuffer.allocate(maxChunk);
        }

        /**
         * Decodes the complete characters in {@code in} and returns them upper-cased, leaving the
         * bytes of an incomplete last character in {@code in} for the next call (compact it, read more).
         *
         * @param in bytes ready to read, at most {@code maxChunk}
         * @return the upper-cased text of the complete characters, possibly empty
         * @throws CharacterCodingException if the bytes are not UTF-8
         */
        String next(ByteBuffer in) throws CharacterCodingException {
            checkArgument(in.remaining() <= chars.capacity(), "chunk of %s bytes is over the limit of %s",
                    in.remaining(), chars.capacity());
            chars.clear();
            CoderResult result = decoder.decode(in, chars, false);
            if (result.isError()) {
                result.throwException();
            }
            chars.flip();
            return of(chars.toString());
        }

        /**
         * Ends the stream.
         *
         * @param in the bytes left over from the last {@link #next}
         * @throws CharacterCodingException if they are an incomplete character
         */
        void finish(ByteBuffer in) throws CharacterCodingException {
            chars.clear();
            CoderResult result = decoder.decode(in, chars, true);
            if (result.isError()) {
                result.throwException();
            }
            result = decoder.flush(chars);
            if (result.isError()) {
                result.throwException();
            }
        }
    }
}
