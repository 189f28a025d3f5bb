package io.github.udpkit.core.wire;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The test vectors of {@code docs/PROTOCOL.md}, read from the document itself (surefire runs in
 * the module directory), so that document and code cannot drift. Shared by the tests of the wire
 * format and of the engine's cookies.
 */
public final class ProtocolDocument {
    private static final Path DOC = Path.of("..", "docs", "PROTOCOL.md");
    private static final Pattern BLOCK = Pattern.compile("```hex vector=([a-z0-9-]+)\\n(.*?)```", Pattern.DOTALL);
    private static final Pattern SIGNED_BLOCK = Pattern.compile("```hex signed=([a-z0-9-]+)\\n(.*?)```", Pattern.DOTALL);

    private ProtocolDocument() {
    }

    /**
     * Every {@code hex vector=NAME} block, in document order, comments after {@code #} removed.
     *
     * @return name to bytes
     */
    public static Map<String, byte[]> vectors() {
        return blocks(BLOCK);
    }

    /**
     * Every {@code hex signed=NAME} block (section 14, signed messages), in document order.
     *
     * @return name to bytes
     */
    public static Map<String, byte[]> signedVectors() {
        return blocks(SIGNED_BLOCK);
    }

    private static Map<String, byte[]> blocks(Pattern block) {
        assertTrue(Files.isRegularFile(DOC), "docs/PROTOCOL.md not found from " + Path.of("").toAbsolutePath());
        String doc;
        try {
            doc = Files.readString(DOC, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Map<String, byte[]> vectors = new LinkedHashMap<>();
        Matcher m = block.matcher(doc);
        while (m.find()) {
            StringBuilder hex = new StringBuilder();
            for (String line : m.group(2).split("\n")) {
                int comment = line.indexOf('#');
                hex.append((comment >= 0 ? line.substring(0, comment) : line).replaceAll("\\s+", ""));
            }
            assertFalse(vectors.containsKey(m.group(1)), "vector named twice: " + m.group(1));
            vectors.put(m.group(1), HexFormat.of().parseHex(hex));
        }
        return vectors;
    }
}
