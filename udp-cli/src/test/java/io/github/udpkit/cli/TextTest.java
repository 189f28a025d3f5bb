package io.github.udpkit.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Locale;
import java.util.Optional;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import net.jqwik.api.constraints.StringLength;
import org.junit.jupiter.api.Test;

/** Upper-casing, escaping for the terminal, and reading lines. */
class TextTest {

    @Test
    void shouldUpperCaseAsPythonDoes() {
        // Expected values are what Python 3's str.upper() returns for the same text.
        assertEquals("HELLO, WORLD", Uppercase.of("hello, world"));
        assertEquals("STRASSE", Uppercase.of("straße"));
        assertEquals("안녕 UDP", Uppercase.of("안녕 udp"));
        assertEquals("ΣΊΣΥΦΟΣ", Uppercase.of("σίσυφος"));
        assertEquals("FI", Uppercase.of("\ufb01"));
        assertEquals("I", Uppercase.of("i"), "no locale rules: no Turkish dotted I");
    }

    @Test
    void shouldUpperCaseADatagramOrRejectWhatIsNotUtf8() {
        assertArrayEquals("GRÜSSE".getBytes(StandardCharsets.UTF_8),
                Uppercase.datagram("grüße".getBytes(StandardCharsets.UTF_8)).orElseThrow());
        assertEquals(Optional.empty(), Uppercase.datagram(new byte[] {'a', (byte) 0xff}));
        assertEquals(Optional.empty(), Uppercase.datagram(new byte[] {(byte) 0xc3}), "truncated character");
        assertArrayEquals(new byte[0], Uppercase.datagram(new byte[0]).orElseThrow());
    }

    /** However the stream is cut into reads, the output is the upper-cased whole. */
    @Property(tries = 300)
    void shouldUpperCaseAStreamCutAnywhere(@ForAll @StringLength(max = 200) String text,
                                           @ForAll @Size(max = 8) int[] cuts,
                                           @ForAll @IntRange(min = 4, max = 64) int chunk) throws Exception {
        String valid = new String(text.getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8);
        byte[] bytes = valid.getBytes(StandardCharsets.UTF_8);
        Uppercase.Stream caser = new Uppercase.Stream(chunk);
        StringBuilder out = new StringBuilder();
        ByteBuffer buffer = ByteBuffer.allocate(chunk);
        int pos = 0;
        int cut = 0;
        while (pos < bytes.length) {
            // Each read takes what fits, or less where a cut says so.
            int room = buffer.remaining();
            int want = cut < cuts.length ? 1 + Math.floorMod(cuts[cut++], room) : room;
            int n = Math.min(want, bytes.length - pos);
            buffer.put(bytes, pos, n);
            pos += n;
            buffer.flip();
            out.append(caser.next(buffer));
            buffer.compact();
        }
        buffer.flip();
        caser.finish(buffer);
        assertEquals(valid.toUpperCase(Locale.ROOT), out.toString());
    }

    @Test
    void shouldHoldBackACharacterSplitAcrossReads() throws Exception {
        Uppercase.Stream caser = new Uppercase.Stream(16);
        byte[] e = "é".getBytes(StandardCharsets.UTF_8);
        ByteBuffer in = ByteBuffer.allocate(16);
        in.put((byte) 'h').put(e[0]).flip();
        assertEquals("H", caser.next(in));
        assertEquals(1, in.remaining(), "the first byte of é waits for the second");
        in.compact().put(e[1]).put((byte) 'y').flip();
        assertEquals("ÉY", caser.next(in));
        assertEquals(0, in.remaining());
    }

    @Test
    void shouldRejectAStreamThatIsNotUtf8() {
        Uppercase.Stream caser = new Uppercase.Stream(16);
        assertThrows(CharacterCodingException.class, () -> caser.next(ByteBuffer.wrap(new byte[] {'a', (byte) 0xff})));
        Uppercase.Stream truncated = new Uppercase.Stream(16);
        assertThrows(CharacterCodingException.class, () -> {
            ByteBuffer in = ByteBuffer.wrap(new byte[] {(byte) 0xe2, (byte) 0x82});
            truncated.next(in);
            truncated.finish(in);
        }, "a stream that ends inside a character");
    }

    @Test
    void shouldEscapeControlCharactersForTheTerminal() {
        assertEquals("plain text, 안녕", Console.escape("plain text, 안녕"));
        assertEquals("a\\nb\\r\\tc", Console.escape("a\nb\r\tc"));
        assertEquals("\\u001b[31mred", Console.escape("\u001b[31mred"));
        assertEquals("\\u007f\\u009b\\u2028", Console.escape("\u007f\u009b\u2028"));
        assertEquals("\"say \\\"hi\\\" \\\\ \\n\"", Console.quote("say \"hi\" \\ \n"));
    }

    @Test
    void shouldPrintTimesOfDayToTheMillisecond() {
        assertTrue(Console.time(Instant.now()).matches("\\d\\d:\\d\\d:\\d\\d\\.\\d{3}"));
    }

    @Test
    void shouldReadLinesOfUtf8WithEitherEnding() throws Exception {
        LineReader r = reader("one\r\ntwo\n\nthree, 셋", 100);
        assertEquals("one", r.readLine());
        assertEquals("two", r.readLine());
        assertEquals("", r.readLine());
        assertEquals("three, 셋", r.readLine());
        assertNull(r.readLine());
        assertNull(reader("", 10).readLine());
    }

    @Test
    void shouldRefuseALineOverTheLimit() throws Exception {
        LineReader r = reader("12345\n123456\n", 5);
        assertEquals("12345", r.readLine());
        CliException e = assertThrows(CliException.class, r::readLine);
        assertEquals("line 2 of the input is longer than 5 characters", e.getMessage());
    }

    private static LineReader reader(String text, int max) {
        return new LineReader(new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)), max);
    }
}
