package io.github.udpkit.api;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import org.junit.jupiter.api.Test;

class CodecsTest {

    @Test
    void shouldRejectMalformedUtf8WithCodecException() {
        CodecException e = assertThrows(CodecException.class,
                () -> Codecs.utf8().decode(new byte[] {'a', (byte) 0xC3}));
        assertTrue(e.getMessage().contains("UTF-8"), e.getMessage());
    }

    @Test
    void shouldRefuseUnpairedSurrogateOnEncode() {
        assertThrows(CodecException.class, () -> Codecs.utf8().encode("a\uD800b"));
    }

    @Test
    void shouldRefuseUnpairedSurrogateOnEncodeIntoBufferWritingNothing() {
        for (String lone : new String[] {"a\uD800b", "a\uDC00", "\uD800"}) {
            ByteBuffer into = ByteBuffer.allocate(16);
            assertThrows(CodecException.class, () -> Codecs.utf8().encode(lone, into), lone);
            assertEquals(0, into.position(), "position after refusing " + lone);
        }
    }

    @Test
    void shouldEncodeEveryUtf8LengthIntoBufferAsTheJdkDoes() {
        // One, two, three and four bytes a character, and a pair at the end.
        String text = "a\u00e9\u20ac\uD83D\uDE00z\uD83D\uDE00";
        byte[] expected = text.getBytes(StandardCharsets.UTF_8);
        for (ByteBuffer into : new ByteBuffer[] {ByteBuffer.allocate(32), ByteBuffer.allocateDirect(32)}) {
            assertEquals(expected.length, Codecs.utf8().encode(text, into));
            byte[] written = new byte[expected.length];
            into.flip().get(written);
            assertArrayEquals(expected, written);
        }
    }

    @Test
    void shouldDecodeMultibyteUtf8() {
        byte[] bytes = "안녕 UDP ✓".getBytes(StandardCharsets.UTF_8);
        assertEquals("안녕 UDP ✓", Codecs.utf8().decode(bytes));
    }

    @Test
    void shouldDecodeFromDirectBuffers() {
        ByteBuffer direct = ByteBuffer.allocateDirect(16);
        direct.put("héllo".getBytes(StandardCharsets.UTF_8)).flip();
        assertEquals("héllo", Codecs.utf8().decode(direct));
    }

    @Test
    void shouldReportMappingFailureAsCodecException() {
        Codec<Integer> ints = Codecs.utf8().map(Integer::valueOf, String::valueOf);
        CodecException e = assertThrows(CodecException.class, () -> ints.decode("12x".getBytes(StandardCharsets.UTF_8)));
        assertTrue(e.getMessage().contains("12x"), e.getMessage());
    }

    @Test
    void shouldWrapDecoderFailuresOfSimpleCodecs() {
        Codec<Integer> lengths = Codec.of(i -> new byte[i], b -> {
            if (b.length == 0) {
                throw new IllegalArgumentException("empty");
            }
            return b.length;
        });
        assertEquals(3, lengths.decode(lengths.encode(3)));
        assertThrows(CodecException.class, () -> lengths.decode(new byte[0]));
    }

}
