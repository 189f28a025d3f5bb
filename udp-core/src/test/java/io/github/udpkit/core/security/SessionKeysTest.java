package io.github.udpkit.core.security;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The key schedule, checked against vectors computed independently with Python's
 * {@code cryptography} (HKDF, AESGCM, ChaCha20Poly1305) from the derivation in PROTOCOL.md.
 */
class SessionKeysTest {
    static final Key PSK = Key.of(Hex.range(0, 32));
    static final long A = 0x0123456789abcdefL;
    static final long B = 0xfedcba9876543210L;
    static final byte[] HEADER = Hex.bytes("75640100000000000000002a");
    static final byte[] PLAINTEXT = "hello, udpkit".getBytes(StandardCharsets.US_ASCII);

    @ParameterizedTest
    @CsvSource({
        "AES_256_GCM,       1a17389d145fd9fbdaf06ffddb65a7c6da8d5dfb922a34c9ea638931b1,"
                + " b630ab7e07d84b4ed2ddf807d9656a1ad84d87d9305f10ef15b92393f6,"
                + " 6f1e95dca6a74cc93da4f16c6586480b43847a00cc899e64d51a13290f",
        "CHACHA20_POLY1305, e2bca2edfcbe79c91f826f7c8ef2799e636e47698794825db4f92bfa93,"
                + " a071b4e2f88b05b11a05eed8494dfb5b4bd73956dab3e954eed3b65233,"
                + " 384196f3365271cb87fa20edf37f88e88b0782e77f9a81c4162304f3ca",
    })
    void shouldMatchTheProtocolTestVectors(AeadAlgorithm algorithm, String aToBPn42, String bToAPn0, String aToBGen1Pn0) {
        SessionKeys a = SessionKeys.derive(PSK, A, B, algorithm);
        SessionKeys b = SessionKeys.derive(PSK, B, A, algorithm);
        assertEquals(aToBPn42, Hex.of(seal(a.sending().newSealer(), 42)));
        assertEquals(bToAPn0, Hex.of(seal(b.sending().newSealer(), 0)));
        assertEquals(aToBGen1Pn0, Hex.of(seal(a.sending().nextGeneration().newSealer(), 0)));
    }

    @ParameterizedTest
    @EnumSource(AeadAlgorithm.class)
    void shouldGiveEachSideTheOthersKeysSwapped(AeadAlgorithm algorithm) {
        SessionKeys a = SessionKeys.derive(PSK, A, B, algorithm);
        SessionKeys b = SessionKeys.derive(PSK, B, A, algorithm);
        assertArrayEquals(PLAINTEXT, open(b.receiving().newOpener(), 5, seal(a.sending().newSealer(), 5)));
        assertArrayEquals(PLAINTEXT, open(a.receiving().newOpener(), 5, seal(b.sending().newSealer(), 5)));
    }

    @ParameterizedTest
    @EnumSource(AeadAlgorithm.class)
    void shouldSeparateDirectionsSessionsAndAlgorithms(AeadAlgorithm algorithm) {
        SessionKeys a = SessionKeys.derive(PSK, A, B, algorithm);
        byte[] sealed = seal(a.sending().newSealer(), 0);
        // The same packet number in the other direction must not open: different key and IV.
        assertEquals(-1, openLength(a.receiving().newOpener(), 0, sealed));
        // A new incarnation of either side gives new keys.
        assertEquals(-1, openLength(SessionKeys.derive(PSK, B + 1, A, algorithm).receiving().newOpener(), 0, sealed));
        assertEquals(-1, openLength(SessionKeys.derive(PSK, B, A + 1, algorithm).receiving().newOpener(), 0, sealed));
        // Another pre-shared key gives new keys.
        assertEquals(-1, openLength(SessionKeys.derive(Key.generate(), B, A, algorithm).receiving().newOpener(), 0, sealed));
        // The right keys open it.
        assertEquals(PLAINTEXT.length, openLength(SessionKeys.derive(PSK, B, A, algorithm).receiving().newOpener(), 0, sealed));
    }

    @ParameterizedTest
    @CsvSource({"0, 0", "-1, -1", "42, 42"})
    void shouldRefuseEqualSessionIds(long local, long peer) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> SessionKeys.derive(PSK, local, peer, AeadAlgorithm.AES_256_GCM));
        assertTrue(e.getMessage().contains(Long.toHexString(local)), e.getMessage());
    }

    @ParameterizedTest
    @EnumSource(AeadAlgorithm.class)
    void shouldNotRevealKeysInToString(AeadAlgorithm algorithm) {
        SessionKeys keys = SessionKeys.derive(PSK, A, B, algorithm);
        assertTrue(keys.toString().contains(Long.toHexString(A)), keys.toString());
        assertFalse(keys.sending().toString().matches(".*[0-9a-f]{16}.*"), keys.sending().toString());
        assertEquals(algorithm, keys.algorithm());
        assertEquals(A, keys.localSessionId());
        assertEquals(B, keys.peerSessionId());
    }

    static byte[] seal(AeadSealer sealer, long pn) {
        byte[] out = new byte[PLAINTEXT.length + AeadAlgorithm.TAG_LENGTH];
        sealer.seal(pn, HEADER, 0, HEADER.length, PLAINTEXT, 0, PLAINTEXT.length, out, 0);
        return out;
    }

    static int openLength(AeadOpener opener, long pn, byte[] sealed) {
        return opener.open(pn, HEADER, 0, HEADER.length, sealed, 0, sealed.length, new byte[sealed.length], 0);
    }

    static byte[] open(AeadOpener opener, long pn, byte[] sealed) {
        byte[] out = new byte[sealed.length];
        int n = opener.open(pn, HEADER, 0, HEADER.length, sealed, 0, sealed.length, out, 0);
        assertTrue(n >= 0, "open failed");
        return java.util.Arrays.copyOf(out, n);
    }
}
