package io.github.udpkit.core.security;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.udpkit.core.wire.ProtocolDocument;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The signed-message vectors of docs/PROTOCOL.md section 14.4, and RFC 8032's own, with the JDK's
 * Ed25519 and with Bouncy Castle's: the document, the code and both providers agree byte for byte.
 */
class SignedMessageVectorsTest {

    private static Map<String, byte[]> vectors;

    @BeforeAll
    static void readDocument() {
        vectors = ProtocolDocument.signedVectors();
    }

    static Stream<Ed25519> providers() {
        return Stream.of(Ed25519.jdk(), Ed25519.of(new BouncyCastleProvider()));
    }

    @Test
    void shouldFindExactlyTheVectorsThisTestChecks() {
        assertEquals(Set.of("rfc8032-1", "rfc8032-2", "rfc8032-3", "message", "message-signed-bytes"), vectors.keySet());
    }

    @ParameterizedTest
    @MethodSource("providers")
    void shouldReproduceRfc8032Vectors(Ed25519 ed25519) {
        for (String name : new String[] {"rfc8032-1", "rfc8032-2", "rfc8032-3"}) {
            byte[] v = vectors.get(name);
            byte[] seed = Arrays.copyOfRange(v, 0, 32);
            byte[] publicKey = Arrays.copyOfRange(v, 32, 64);
            byte[] message = Arrays.copyOfRange(v, 64, v.length - 64);
            byte[] signature = Arrays.copyOfRange(v, v.length - 64, v.length);
            Identity identity = Identity.fromSeed(seed, ed25519);
            assertArrayEquals(publicKey, identity.publicIdentity().toBytes(), name + ": public key of the seed");
            assertArrayEquals(signature, identity.sign(message), name + ": signature");
            assertTrue(ed25519.verify(ed25519.publicKey(publicKey), message, signature), name + ": verifies");
            byte[] altered = message.length == 0 ? new byte[] {0} : message.clone();
            altered[0] ^= 1;
            assertFalse(ed25519.verify(ed25519.publicKey(publicKey), altered, signature), name + ": altered message");
        }
    }

    @ParameterizedTest
    @MethodSource("providers")
    void shouldSignTheDocumentedMessageByteForByte(Ed25519 ed25519) {
        Identity alice = Identity.fromSeed(Arrays.copyOf(vectors.get("rfc8032-1"), 32), ed25519);
        SignedMessage signed = SignedMessage.sign(alice, "lobby", "alice", 1, "hi".getBytes(StandardCharsets.UTF_8));
        assertArrayEquals(vectors.get("message"), signed.encode());
        assertArrayEquals(vectors.get("message-signed-bytes"),
                SignedMessage.toBeSigned("lobby", "alice", alice.publicIdentity(), 1, "hi".getBytes(StandardCharsets.UTF_8)));
        assertEquals("21fe:31df:a154:a261", alice.fingerprint());
    }

    @ParameterizedTest
    @MethodSource("providers")
    void shouldDecodeAndVerifyTheDocumentedMessage(Ed25519 ed25519) {
        SignedMessage m = SignedMessage.decode(ByteBuffer.wrap(vectors.get("message")));
        assertEquals("alice", m.name());
        assertEquals(1, m.sequence());
        assertEquals("hi", new String(m.payload(), StandardCharsets.UTF_8));
        SignatureVerifier verifier = SignatureVerifier.builder(TrustStore.pinned(Map.of("alice", m.signer())))
                .ed25519(ed25519).build();
        assertEquals(TrustStore.Verdict.KNOWN, verifier.verify("lobby", m));
    }

    @Test
    void shouldWriteAndReadTheDocumentedPem() {
        Identity alice = Identity.fromSeed(Arrays.copyOf(vectors.get("rfc8032-1"), 32), Ed25519.jdk());
        assertEquals("-----BEGIN PRIVATE KEY-----\nMC4CAQAwBQYDK2VwBCIEIJ1hsZ3v/VpguoRK9JLsLMREScVpezJpGXA7rAMcrn9g\n"
                + "-----END PRIVATE KEY-----\n", alice.toPem());
        assertEquals("-----BEGIN PUBLIC KEY-----\nMCowBQYDK2VwAyEA11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo=\n"
                + "-----END PUBLIC KEY-----\n", alice.publicIdentity().toPem());
        assertEquals(alice.publicIdentity(), Identity.fromPem(alice.toPem(), Ed25519.jdk()).publicIdentity());
        assertEquals(alice.publicIdentity(), PublicIdentity.fromPem(alice.publicIdentity().toPem()));
    }
}
