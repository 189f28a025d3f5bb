package io.github.udpkit.core.wire;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.udpkit.api.DeliveryMode;
import io.github.udpkit.core.protocol.PacketProtection;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Checks the test vectors of {@code docs/PROTOCOL.md} against the codec, reading the document
 * itself (surefire runs in the module directory), so that document and code cannot drift: each
 * vector decodes to the datagram the test expects and that datagram encodes to the same bytes.
 */
class ProtocolVectorsTest {
    private static final Path DOC = Path.of("..", "docs", "PROTOCOL.md");
    private static final Pattern BLOCK = Pattern.compile("```hex vector=([a-z0-9-]+)\\n(.*?)```", Pattern.DOTALL);
    private static final long S = 0x0123456789abcdefL;
    private static final long D = 0xfedcba9876543210L;

    private static final Map<String, Datagram> EXPECTED = Map.of(
            "single-data", new Datagram(S, 0, 0, List.of(DataFrame.whole(DeliveryMode.RELIABLE, 0, ascii("hello")))),
            "packed-pair", new Datagram(S, D, 1, List.of(
                    DataFrame.whole(DeliveryMode.RELIABLE, 1, ascii("hi")),
                    DataFrame.whole(DeliveryMode.UNRELIABLE, 0, ascii("there")))),
            "ack-ranges", new Datagram(D, S, 70, List.of(new AckFrame(250, 4096, List.of(
                    new AckFrame.Range(100, 95), new AckFrame.Range(90, 90), new AckFrame.Range(80, 70))))),
            "fragment", new Datagram(S, D, 16_384, List.of(new DataFrame(DeliveryMode.RELIABLE, 3, 10, 4, 2,
                    ascii("yz")))),
            "ping-close", new Datagram(S, D, 2, List.of(new PingFrame(), new CloseFrame(0))));

    private static Map<String, byte[]> vectors;

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    @BeforeAll
    static void readDocument() throws IOException {
        assertTrue(Files.isRegularFile(DOC), "docs/PROTOCOL.md not found from " + Path.of("").toAbsolutePath());
        String doc = Files.readString(DOC, StandardCharsets.UTF_8);
        vectors = new LinkedHashMap<>();
        Matcher m = BLOCK.matcher(doc);
        while (m.find()) {
            StringBuilder hex = new StringBuilder();
            for (String line : m.group(2).split("\n")) {
                int comment = line.indexOf('#');
                hex.append((comment >= 0 ? line.substring(0, comment) : line).replaceAll("\\s+", ""));
            }
            assertFalse(vectors.containsKey(m.group(1)), "vector named twice: " + m.group(1));
            vectors.put(m.group(1), HexFormat.of().parseHex(hex));
        }
    }

    @Test
    void shouldFindExactlyTheVectorsThisTestChecks() {
        java.util.Set<String> names = new java.util.TreeSet<>(EXPECTED.keySet());
        names.add("single-data-crc32c");
        assertEquals(names, new java.util.TreeSet<>(vectors.keySet()));
    }

    @Test
    void shouldDecodeEachVectorToItsDatagramAndEncodeItBackByteForByte() {
        EXPECTED.forEach((name, expected) -> {
            byte[] bytes = vectors.get(name);
            assertEquals(expected, Datagram.decode(ByteBuffer.wrap(bytes)), name);
            assertArrayEquals(bytes, expected.encode(), name);
        });
    }

    @Test
    void shouldMatchTheChecksummedVectorWithTheDefaultProtection() {
        byte[] plain = vectors.get("single-data");
        byte[] sealed = vectors.get("single-data-crc32c");
        ByteBuffer b = ByteBuffer.allocate(plain.length + 4);
        b.put(plain).flip();
        PacketProtection.crc32c().seal(null, S, 0, 0, b, 21);
        byte[] out = new byte[b.remaining()];
        b.get(out);
        assertArrayEquals(sealed, out);
        ByteBuffer in = ByteBuffer.wrap(sealed.clone());
        assertTrue(PacketProtection.crc32c().open(null, S, 0, 0, in, 21));
        assertEquals(plain.length, in.limit());
        in.put(25, (byte) 0x48); // "Hello": the check fails
        assertFalse(PacketProtection.crc32c().open(null, S, 0, 0, in.limit(sealed.length), 21));
    }
}
