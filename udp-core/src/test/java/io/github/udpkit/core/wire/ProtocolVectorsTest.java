package io.github.udpkit.core.wire;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.udpkit.api.DeliveryMode;
import io.github.udpkit.core.protocol.PacketProtection;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Checks the test vectors of {@code docs/PROTOCOL.md} against the codec, reading the document
 * itself (surefire runs in the module directory), so that document and code cannot drift: each
 * vector decodes to the datagram the test expects and that datagram encodes to the same bytes.
 */
class ProtocolVectorsTest {
    private static final long S = 0x0123456789abcdefL;
    private static final long D = 0xfedcba9876543210L;
    /** The cookie of the address-validation vectors; {@code AddressValidatorTest} checks how it is made. */
    private static final byte[] COOKIE = HexFormat.of().parseHex("2ae1a370c29c895b074c1ce25ae3bdce8b");

    /** The challenge of the path-validation vectors. */
    private static final byte[] CHALLENGE = HexFormat.of().parseHex("00112233445566778899aabbccddeeff");

    private static final Map<String, Datagram> EXPECTED = Map.ofEntries(Map.entry(
            "single-data", new Datagram(S, 0, 0, List.of(DataFrame.whole(DeliveryMode.RELIABLE, 0, ascii("hello"))))),
            Map.entry("packed-pair", new Datagram(S, D, 1, List.of(
                    DataFrame.whole(DeliveryMode.RELIABLE, 1, ascii("hi")),
                    DataFrame.whole(DeliveryMode.UNRELIABLE, 0, ascii("there"))))),
            Map.entry("ack-ranges", new Datagram(D, S, 70, List.of(new AckFrame(250, 4096, List.of(
                    new AckFrame.Range(100, 95), new AckFrame.Range(90, 90), new AckFrame.Range(80, 70)))))),
            Map.entry("fragment", new Datagram(S, D, 16_384, List.of(new DataFrame(DeliveryMode.RELIABLE, 3, 10, 4, 2,
                    ascii("yz"))))),
            Map.entry("ping-close", new Datagram(S, D, 2, List.of(new PingFrame(), new CloseFrame(0)))),
            Map.entry("opening-padded", new Datagram(S, 0, 0, List.of(DataFrame.whole(DeliveryMode.RELIABLE, 0, ascii("hi")),
                    new PaddingFrame(38)))),
            Map.entry("retry", new Datagram(0x0f1e2d3c4b5a6978L, S, 0, List.of(new RetryFrame(COOKIE)))),
            Map.entry("token-resend", new Datagram(S, 0, 1, List.of(new TokenFrame(COOKIE),
                    DataFrame.whole(DeliveryMode.RELIABLE, 0, ascii("hi")), new PaddingFrame(19)))),
            Map.entry("path-challenge", new Datagram(D, S, 57, List.of(new RetryFrame(CHALLENGE)))),
            Map.entry("path-response", new Datagram(S, D, 200, List.of(new TokenFrame(CHALLENGE), new PingFrame(),
                    new PaddingFrame(23)))),
            Map.entry("close-refused", new Datagram(D, S, 4, List.of(new CloseFrame(2, "full")))),
            Map.entry("channel-data", new Datagram(S, D, 3, List.of(new DataFrame(7, DeliveryMode.RELIABLE, 0, 2, 0, 0,
                    ascii("ok"))))));

    /**
     * The vectors also shown with their CRC-32C, as {@code NAME-crc32c}: between them, every frame
     * type (DATA, ACK, PING, CLOSE, PADDING, RETRY, TOKEN).
     */
    private static final List<String> CHECKSUMMED =
            List.of("single-data", "packed-pair", "ack-ranges", "ping-close", "opening-padded", "retry", "token-resend");

    private static Map<String, byte[]> vectors;

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    @BeforeAll
    static void readDocument() {
        vectors = ProtocolDocument.vectors();
    }

    @Test
    void shouldFindExactlyTheVectorsThisTestChecks() {
        java.util.Set<String> names = new java.util.TreeSet<>(EXPECTED.keySet());
        CHECKSUMMED.forEach(name -> names.add(name + "-crc32c"));
        names.add("cookie-input"); // checked by AddressValidatorTest, with the retry vector
        names.add("dtls-client-hello"); // these two checked by DtlsVectorsTest
        names.add("dtls-hello-verify-request");
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
    void shouldPadOpeningDatagramsSoThatARetryNeverOutgrowsThem() {
        assertEquals(WireFormat.MIN_PADDED_LENGTH, vectors.get("opening-padded").length);
        assertEquals(WireFormat.MIN_PADDED_LENGTH, vectors.get("token-resend").length);
        assertTrue(vectors.get("retry").length <= vectors.get("opening-padded").length);
        int longestRetry = WireWriter.headerLength(0) + WireWriter.tokenFrameLength(WireFormat.MAX_TOKEN_LENGTH);
        assertTrue(longestRetry <= WireFormat.MIN_PADDED_LENGTH, "even the longest RETRY fits: " + longestRetry);
    }

    @Test
    void shouldCoverEveryFrameTypeWithAChecksummedVector() {
        java.util.Set<Class<?>> types = new java.util.HashSet<>();
        CHECKSUMMED.forEach(name -> Datagram.decode(ByteBuffer.wrap(vectors.get(name))).frames()
                .forEach(f -> types.add(f.getClass())));
        assertEquals(java.util.Set.of(DataFrame.class, AckFrame.class, PingFrame.class, CloseFrame.class,
                PaddingFrame.class, RetryFrame.class, TokenFrame.class), types);
    }

    @Test
    void shouldMatchTheChecksummedVectorsWithTheDefaultProtection() {
        for (String name : CHECKSUMMED) {
            byte[] plain = vectors.get(name);
            byte[] sealed = vectors.get(name + "-crc32c");
            Datagram d = Datagram.decode(ByteBuffer.wrap(plain));
            int headerLength = WireWriter.headerLength(d.packetNumber());
            ByteBuffer b = ByteBuffer.allocate(plain.length + 4);
            b.put(plain).flip();
            PacketProtection.crc32c().seal(null, d.sourceSession(), d.destinationSession(), d.packetNumber(), b,
                    headerLength);
            byte[] out = new byte[b.remaining()];
            b.get(out);
            assertArrayEquals(sealed, out, name);

            ByteBuffer in = ByteBuffer.wrap(sealed.clone());
            assertTrue(PacketProtection.crc32c().open(null, d.sourceSession(), d.destinationSession(),
                    d.packetNumber(), in, headerLength), name);
            assertEquals(plain.length, in.limit(), name + ": the check is removed");
            for (int at : new int[] {0, headerLength - 1, headerLength, sealed.length - 1}) {
                byte[] changed = sealed.clone();
                changed[at] ^= 0x01; // header, body or the check itself: it fails
                assertFalse(PacketProtection.crc32c().open(null, d.sourceSession(), d.destinationSession(),
                        d.packetNumber(), ByteBuffer.wrap(changed), headerLength), name + ", byte " + at);
            }
        }
    }
}
