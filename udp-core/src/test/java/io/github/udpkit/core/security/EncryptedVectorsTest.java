package io.github.udpkit.core.security;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.udpkit.core.wire.Datagram;
import io.github.udpkit.core.wire.PingFrame;
import io.github.udpkit.core.wire.WireWriter;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Checks the encrypted test vectors of {@code docs/PROTOCOL.md} (section 12.1), read from the
 * document itself as {@code ProtocolVectorsTest} reads the plain ones: each plaintext datagram
 * seals to exactly the bytes shown, opens back, and the documented derived keys are the ones the
 * code derives. The vectors were computed with Python's {@code cryptography} from the spec text.
 */
class EncryptedVectorsTest {
    private static final Path DOC = Path.of("..", "docs", "PROTOCOL.md");
    private static final Pattern BLOCK =
            Pattern.compile("```hex (vector|sealed|derived)=([a-z0-9/-]+)\\n(.*?)```", Pattern.DOTALL);
    private static final Key PSK = Key.of(Hex.range(0, 32));
    private static final long S = 0x0123456789abcdefL;
    private static final long D = 0xfedcba9876543210L;

    private static Map<String, byte[]> blocks;

    @BeforeAll
    static void readDocument() throws IOException {
        assertTrue(Files.isRegularFile(DOC), "docs/PROTOCOL.md not found from " + Path.of("").toAbsolutePath());
        String doc = Files.readString(DOC, StandardCharsets.UTF_8);
        blocks = new LinkedHashMap<>();
        Matcher m = BLOCK.matcher(doc);
        while (m.find()) {
            StringBuilder hex = new StringBuilder();
            for (String line : m.group(3).split("\n")) {
                int comment = line.indexOf('#');
                hex.append((comment >= 0 ? line.substring(0, comment) : line).replaceAll("\\s+", ""));
            }
            String name = m.group(1) + "=" + m.group(2);
            assertFalse(blocks.containsKey(name), "block named twice: " + name);
            blocks.put(name, HexFormat.of().parseHex(hex));
        }
    }

    private static byte[] block(String name) {
        byte[] b = blocks.get(name);
        assertNotNull(b, "no block " + name + " in " + DOC);
        return b;
    }

    @Test
    void shouldFindExactlyTheEncryptedVectorsThisTestChecks() {
        Set<String> names = new TreeSet<>();
        for (String name : blocks.keySet()) {
            if (!name.startsWith("vector=")) {
                names.add(name);
            }
        }
        assertEquals(new TreeSet<>(List.of("sealed=single-data/aes256gcm", "sealed=packed-pair/chacha20poly1305",
                "sealed=ping-generation-1/aes256gcm", "sealed=retry/aes256gcm",
                "sealed=token-resend/chacha20poly1305", "derived=first-contact-aes256gcm",
                "derived=generation-1-aes256gcm", "derived=key-fingerprint")), names);
    }

    @Test
    void shouldSealEachPlaintextToItsDocumentedBytesAndOpenItBack() {
        byte[] ping = new Datagram(S, D, 1L << 22, List.of(new PingFrame())).encode();
        check(block("vector=single-data"), block("sealed=single-data/aes256gcm"), AeadAlgorithm.AES_256_GCM);
        check(block("vector=packed-pair"), block("sealed=packed-pair/chacha20poly1305"),
                AeadAlgorithm.CHACHA20_POLY1305);
        check(ping, block("sealed=ping-generation-1/aes256gcm"), AeadAlgorithm.AES_256_GCM);
        check(block("vector=retry"), block("sealed=retry/aes256gcm"), AeadAlgorithm.AES_256_GCM);
        check(block("vector=token-resend"), block("sealed=token-resend/chacha20poly1305"),
                AeadAlgorithm.CHACHA20_POLY1305);
    }

    @Test
    void shouldShowTheDocumentedFingerprintForTheDocumentedKeyFile() {
        assertEquals(HexFormat.of().formatHex(block("derived=key-fingerprint")), PSK.fingerprint());
        assertEquals(PSK, Key.fromBase64("AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8="));
        assertEquals("AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=", PSK.toBase64());
    }

    private static void check(byte[] plain, byte[] sealed, AeadAlgorithm algorithm) {
        Datagram d = Datagram.decode(ByteBuffer.wrap(plain));
        int headerLength = WireWriter.headerLength(d.packetNumber());
        ByteBuffer b = ByteBuffer.allocate(plain.length + AeadAlgorithm.TAG_LENGTH);
        b.put(plain).flip();
        AeadProtection.of(PSK, algorithm).seal(null, d.sourceSession(), d.destinationSession(), d.packetNumber(),
                b, headerLength);
        assertEquals(HexFormat.of().formatHex(sealed), HexFormat.of().formatHex(Arrays.copyOf(b.array(), b.limit())));

        ByteBuffer in = ByteBuffer.wrap(sealed.clone());
        assertTrue(AeadProtection.of(PSK, algorithm).open(null, d.sourceSession(), d.destinationSession(),
                d.packetNumber(), in, headerLength));
        assertArrayEquals(plain, Arrays.copyOf(in.array(), in.limit()));

        byte[] tampered = sealed.clone();
        tampered[headerLength] ^= 0x01;
        assertFalse(AeadProtection.of(PSK, algorithm).open(null, d.sourceSession(), d.destinationSession(),
                d.packetNumber(), ByteBuffer.wrap(tampered), headerLength));
    }

    @Test
    void shouldDeriveTheDocumentedKeys() {
        byte[] first = block("derived=first-contact-aes256gcm");
        byte[] secret = Arrays.copyOfRange(first, 0, 32);
        byte[] key = Arrays.copyOfRange(first, 32, 64);
        byte[] iv = Arrays.copyOfRange(first, 64, 76);
        assertEquals(76, first.length);
        assertKeys(key, iv, TrafficKeys.fromSecret(AeadAlgorithm.AES_256_GCM, secret));
        assertKeys(key, iv, SessionKeys.direction(PSK, S, 0, AeadAlgorithm.AES_256_GCM));

        byte[] gen1 = block("derived=generation-1-aes256gcm");
        assertEquals(44, gen1.length);
        TrafficKeys base = SessionKeys.direction(PSK, S, D, AeadAlgorithm.AES_256_GCM);
        assertKeys(Arrays.copyOfRange(gen1, 0, 32), Arrays.copyOfRange(gen1, 32, 44), base.atGeneration(1));
        assertKeys(Arrays.copyOfRange(gen1, 0, 32), Arrays.copyOfRange(gen1, 32, 44), base.nextGeneration());
    }

    private static void assertKeys(byte[] key, byte[] iv, TrafficKeys keys) {
        assertEquals(HexFormat.of().formatHex(key), HexFormat.of().formatHex(keys.key().getEncoded()));
        byte[] nonce0 = new byte[AeadAlgorithm.NONCE_LENGTH];
        keys.nonce(0, nonce0);
        assertEquals(HexFormat.of().formatHex(iv), HexFormat.of().formatHex(nonce0));
    }
}
