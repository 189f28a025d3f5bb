package io.github.udpkit.core.discovery;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The discovery wire format against the test vectors of docs/PROTOCOL.md section 15, read from the document. */
class DiscoveryWireTest {

    private static final Pattern BLOCK = Pattern.compile("```hex discovery=([a-z-]+)\\n(.*?)```", Pattern.DOTALL);
    private static final long NONCE = 0x0102030405060708L;
    private static final Announcement BOX = new Announcement("box", 12000, "chat", List.of("lobby"));
    private static Map<String, byte[]> vectors;

    @BeforeAll
    static void readDocument() throws IOException {
        String doc = Files.readString(Path.of("..", "docs", "PROTOCOL.md"), StandardCharsets.UTF_8);
        vectors = new LinkedHashMap<>();
        Matcher m = BLOCK.matcher(doc);
        while (m.find()) {
            String hex = m.group(2).replaceAll("#[^\\n]*", "").replaceAll("\\s+", "");
            vectors.put(m.group(1), HexFormat.of().parseHex(hex));
        }
        assertEquals(List.of("probe", "reply", "reply-truncated"), List.copyOf(vectors.keySet()));
    }

    @Test
    void shouldEncodeTheDocumentedProbe() {
        assertArrayEquals(vectors.get("probe"), DiscoveryWire.probe(NONCE, 16));
        assertEquals(NONCE, DiscoveryWire.probeNonce(vectors.get("probe")).orElseThrow());
    }

    @Test
    void shouldEncodeAndDecodeTheDocumentedReplies() {
        byte[] reply = vectors.get("reply");
        assertArrayEquals(reply, DiscoveryWire.reply(NONCE, BOX, 512).orElseThrow());
        assertEquals(new DiscoveryWire.Reply(NONCE, BOX, false), DiscoveryWire.decodeReply(reply).orElseThrow());

        byte[] truncated = vectors.get("reply-truncated");
        assertArrayEquals(truncated, DiscoveryWire.reply(NONCE, BOX, 28).orElseThrow());
        assertEquals(new DiscoveryWire.Reply(NONCE, new Announcement("box", 12000, "chat", List.of()), true),
                DiscoveryWire.decodeReply(truncated).orElseThrow());
        assertTrue(DiscoveryWire.reply(NONCE, BOX, truncated.length - 1).isEmpty(), "no reply rather than a larger one");
    }

    @Test
    void shouldNeverTakeAReplyOrProbeForTheOther() {
        assertTrue(DiscoveryWire.probeNonce(vectors.get("reply")).isEmpty());
        assertTrue(DiscoveryWire.decodeReply(vectors.get("probe")).isEmpty());
        assertTrue(DiscoveryWire.probeNonce(new byte[13]).isEmpty());
        assertTrue(DiscoveryWire.probeNonce("hello, udp".getBytes(StandardCharsets.UTF_8)).isEmpty());
    }

    @Test
    void shouldRejectEveryCutOrCorruptReply() {
        byte[] reply = vectors.get("reply");
        for (int n = 0; n < reply.length; n++) {
            assertTrue(DiscoveryWire.decodeReply(Arrays.copyOf(reply, n)).isEmpty(), "cut at " + n);
        }
        byte[] longer = Arrays.copyOf(reply, reply.length + 1);
        assertTrue(DiscoveryWire.decodeReply(longer).isEmpty(), "trailing bytes");
        byte[] flags = reply.clone();
        flags[14] = 2;
        assertTrue(DiscoveryWire.decodeReply(flags).isEmpty(), "unknown flag");
        byte[] badText = reply.clone();
        badText[18] = (byte) 0xFF;
        assertTrue(DiscoveryWire.decodeReply(badText).isEmpty(), "not UTF-8");
        byte[] version = reply.clone();
        version[4] = 2;
        assertFalse(DiscoveryWire.decodeReply(version).isPresent(), "another version");
    }

    @Test
    void shouldRefuseBadArgumentsAtOnce() {
        assertThrows(IllegalArgumentException.class, () -> DiscoveryWire.probe(1, 13));
        assertThrows(IllegalArgumentException.class, () -> DiscoveryWire.probe(1, DiscoveryWire.MAX_PROBE_SIZE + 1));
        assertThrows(IllegalArgumentException.class, () -> new Announcement("", 1, "chat", List.of()));
        assertThrows(IllegalArgumentException.class, () -> new Announcement("x".repeat(256), 1, "chat", List.of()));
        assertThrows(IllegalArgumentException.class, () -> new Announcement("x", 0, "chat", List.of()));
    }
}
