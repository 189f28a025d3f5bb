package io.github.udpkit.core.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.udpkit.core.security.SignatureRejectedException.Reason;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Each refusal of a signed message, with its reason, and what a trust store learns and remembers. */
class SignatureVerifierTest {

    private static final Identity ALICE = Identity.generate();
    private static final Identity MALLORY = Identity.generate();

    @TempDir
    Path dir;

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static Reason refusal(SignatureVerifier verifier, String context, SignedMessage m) {
        return assertThrows(SignatureRejectedException.class, () -> verifier.verify(context, m)).reason();
    }

    @Test
    void shouldAcceptANewSignerOnceThenKnowIt() {
        SignatureVerifier verifier = SignatureVerifier.of(TrustStore.trustOnFirstUse(100));
        Signer alice = Signer.of(ALICE, "alice", 10);
        assertEquals(TrustStore.Verdict.NEW, verifier.verify("lobby", alice.sign("lobby", utf8("one"))));
        assertEquals(TrustStore.Verdict.KNOWN, verifier.verify("lobby", alice.sign("lobby", utf8("two"))));
    }

    @Test
    void shouldRefuseAReplayedSequenceNumber() {
        SignatureVerifier verifier = SignatureVerifier.of(TrustStore.trustOnFirstUse(100));
        Signer alice = Signer.of(ALICE, "alice", 5000);
        SignedMessage first = alice.sign("lobby", utf8("one"));
        verifier.verify("lobby", first);
        assertEquals(Reason.REPLAYED, refusal(verifier, "lobby", first));
        SignedMessage late = Signer.of(ALICE, "alice", 4999).sign("lobby", utf8("late but new"));
        assertEquals(TrustStore.Verdict.KNOWN, verifier.verify("lobby", late), "within the window, once");
        SignedMessage tooOld = Signer.of(ALICE, "alice", 5000 - 1024).sign("lobby", utf8("too old"));
        assertEquals(Reason.REPLAYED, refusal(verifier, "lobby", tooOld));
    }

    @Test
    void shouldRefuseASignatureMovedToAnotherContext() {
        SignatureVerifier verifier = SignatureVerifier.of(TrustStore.trustOnFirstUse(100));
        SignedMessage m = Signer.of(ALICE, "alice", 1).sign("lobby", utf8("meet at noon"));
        assertEquals(Reason.BAD_SIGNATURE, refusal(verifier, "dev", m));
        assertEquals(TrustStore.Verdict.NEW, verifier.verify("lobby", m), "the refusal taught the verifier nothing");
    }

    @Test
    void shouldRefuseAnAlteredPayloadOrName() {
        SignatureVerifier verifier = SignatureVerifier.of(TrustStore.trustOnFirstUse(100));
        SignedMessage m = Signer.of(ALICE, "alice", 1).sign("lobby", utf8("pay bob 10"));
        SignedMessage altered = new SignedMessage(m.name(), m.signer(), m.sequence(), m.signature(), utf8("pay bob 99"));
        assertEquals(Reason.BAD_SIGNATURE, refusal(verifier, "lobby", altered));
        SignedMessage renamed = new SignedMessage("bob", m.signer(), m.sequence(), m.signature(), m.payload());
        assertEquals(Reason.BAD_SIGNATURE, refusal(verifier, "lobby", renamed));
        SignedMessage resequenced = new SignedMessage(m.name(), m.signer(), m.sequence() + 1, m.signature(), m.payload());
        assertEquals(Reason.BAD_SIGNATURE, refusal(verifier, "lobby", resequenced));
        assertEquals(0, verifier.trustStore().size(), "a forgery teaches the store nothing");
    }

    @Test
    void shouldRefuseAChangedKeyForAKnownName() {
        SignatureVerifier verifier = SignatureVerifier.of(TrustStore.trustOnFirstUse(100));
        verifier.verify("lobby", Signer.of(ALICE, "alice", 1).sign("lobby", utf8("hi")));
        SignedMessage impostor = Signer.of(MALLORY, "alice", 2).sign("lobby", utf8("it's me, alice"));
        SignatureRejectedException e = assertThrows(SignatureRejectedException.class,
                () -> verifier.verify("lobby", impostor));
        assertEquals(Reason.CHANGED_KEY, e.reason());
        assertTrue(e.getMessage().contains(MALLORY.fingerprint()) && e.getMessage().contains(ALICE.fingerprint()),
                e.getMessage());
    }

    @Test
    void shouldRefuseUnknownKeysWhenPinned() {
        SignatureVerifier verifier = SignatureVerifier.of(TrustStore.pinned(Map.of("alice", ALICE.publicIdentity())));
        assertEquals(TrustStore.Verdict.KNOWN, verifier.verify("c", Signer.of(ALICE, "alice", 1).sign("c", utf8("x"))));
        assertEquals(Reason.UNKNOWN_KEY, refusal(verifier, "c", Signer.of(MALLORY, "mallory", 1).sign("c", utf8("x"))));
        assertEquals(Reason.UNKNOWN_KEY, refusal(verifier, "c", Signer.of(MALLORY, "", 1).sign("c", utf8("x"))));
        assertEquals(Reason.CHANGED_KEY, refusal(verifier, "c", Signer.of(MALLORY, "alice", 1).sign("c", utf8("x"))));
    }

    @Test
    void shouldRememberLearnedKeysInTheFileAndPinThemNextTime() throws IOException {
        Path file = dir.resolve("known-keys");
        SignatureVerifier first = SignatureVerifier.of(TrustStore.trustOnFirstUse(file));
        first.verify("c", Signer.of(ALICE, "alice", 1).sign("c", utf8("x")));
        first.verify("c", Signer.of(MALLORY, "", 1).sign("c", utf8("x")));
        assertEquals("alice ed25519 " + ALICE.publicIdentity().toBase64() + "\n* ed25519 "
                + MALLORY.publicIdentity().toBase64() + "\n", Files.readString(file));

        SignatureVerifier restarted = SignatureVerifier.of(TrustStore.trustOnFirstUse(file));
        assertEquals(TrustStore.Verdict.KNOWN, restarted.verify("c", Signer.of(ALICE, "alice", 2).sign("c", utf8("y"))));
        assertEquals(Reason.CHANGED_KEY, refusal(restarted, "c", Signer.of(MALLORY, "alice", 3).sign("c", utf8("y"))));
        SignatureVerifier pinned = SignatureVerifier.of(TrustStore.pinned(file));
        assertEquals(TrustStore.Verdict.KNOWN, pinned.verify("c", Signer.of(MALLORY, "", 9).sign("c", utf8("z"))));
    }

    @Test
    void shouldStopLearningWhenTheStoreIsFull() {
        SignatureVerifier verifier = SignatureVerifier.of(TrustStore.trustOnFirstUse(1));
        verifier.verify("c", Signer.of(ALICE, "alice", 1).sign("c", utf8("x")));
        assertEquals(Reason.UNKNOWN_KEY, refusal(verifier, "c", Signer.of(MALLORY, "mallory", 1).sign("c", utf8("x"))));
    }

    @Test
    void shouldForgetTheLeastRecentlyHeardSignerBeyondTheBound() {
        SignatureVerifier verifier = SignatureVerifier.builder(TrustStore.trustOnFirstUse(100)).maxSigners(1).build();
        SignedMessage fromAlice = Signer.of(ALICE, "alice", 1).sign("c", utf8("x"));
        verifier.verify("c", fromAlice);
        verifier.verify("c", Signer.of(MALLORY, "mallory", 1).sign("c", utf8("x")));
        // Alice's window was dropped for Mallory's: her old message is taken as her first again.
        // The documented cost of a bounded memory (PROTOCOL.md 14.3).
        assertEquals(TrustStore.Verdict.KNOWN, verifier.verify("c", fromAlice));
    }

    @Test
    void shouldReadAndRefuseMalformedKnownKeysFiles() throws IOException {
        Path file = dir.resolve("bad");
        Files.writeString(file, "# comment\n\nalice ed25519 " + ALICE.publicIdentity().toBase64() + "\nbob rsa AAAA\n");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> TrustStore.pinned(file));
        assertTrue(e.getMessage().contains("line 4"), e.getMessage());
        Files.writeString(file, "alice ed25519 " + ALICE.publicIdentity().toBase64() + "\nalice ed25519 "
                + MALLORY.publicIdentity().toBase64() + "\n");
        e = assertThrows(IllegalArgumentException.class, () -> TrustStore.pinned(file));
        assertTrue(e.getMessage().contains("two keys"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> TrustStore.pinned(dir.resolve("missing")));
    }

    @Test
    void shouldRefuseBadArgumentsAtOnce() {
        assertThrows(IllegalArgumentException.class, () -> Signer.of(ALICE, "two words"));
        assertThrows(IllegalArgumentException.class, () -> Signer.of(ALICE, "*"));
        assertThrows(IllegalArgumentException.class, () -> Signer.of(ALICE, "a".repeat(65)));
        assertThrows(IllegalArgumentException.class, () -> Signer.of(ALICE, "alice", -1));
        assertThrows(IllegalArgumentException.class,
                () -> SignatureVerifier.builder(TrustStore.trustOnFirstUse(1)).maxSigners(0));
        assertThrows(IllegalArgumentException.class,
                () -> SignatureVerifier.builder(TrustStore.trustOnFirstUse(1)).windowSize(100));
        assertThrows(IllegalArgumentException.class, () -> TrustStore.trustOnFirstUse(0));
    }
}
