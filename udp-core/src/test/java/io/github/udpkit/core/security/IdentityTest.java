package io.github.udpkit.core.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.github.udpkit.api.testing.Proc;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.List;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Identities: generated, written and read as the PEM OpenSSL writes, across providers; and OpenSSL
 * itself reads ours and we read its (skipped with the reason where openssl is missing).
 */
@Timeout(60)
class IdentityTest {
    private static final long WAIT_SECONDS = 60;


    @TempDir
    Path dir;

    @Test
    void shouldRoundTripThroughAnOwnerOnlyFile() throws IOException {
        Identity id = Identity.generate();
        Path file = dir.resolve("alice.pem");
        id.writeTo(file);
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        Identity read = Identity.readFrom(file);
        assertEquals(id.publicIdentity(), read.publicIdentity());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> id.writeTo(file));
        assertTrue(e.getMessage().contains("already exists"), e.getMessage());
    }

    @Test
    void shouldSignWithAnyProviderWhateverMadeTheKey() {
        Ed25519 jdk = Ed25519.jdk();
        Ed25519 bc = Ed25519.of(new BouncyCastleProvider());
        Identity madeByBc = Identity.generate(bc, new SecureRandom());
        Identity sameInJdk = Identity.fromPem(madeByBc.toPem(), jdk);
        byte[] message = "hello".getBytes(StandardCharsets.UTF_8);
        byte[] signature = madeByBc.sign(message);
        assertEquals(madeByBc.publicIdentity(), sameInJdk.publicIdentity());
        assertTrue(jdk.verify(jdk.publicKey(madeByBc.publicIdentity().toBytes()), message, signature));
        assertTrue(java.util.Arrays.equals(signature, sameInJdk.sign(message)), "Ed25519 is deterministic");
        assertEquals("BC", bc.providerName());
        assertEquals("JDK", jdk.providerName());
    }

    @Test
    void shouldPreferBouncyCastleWhenItIsOnTheClassPath() {
        // It is on this module's test class path; without it the JDK's is the default.
        assertEquals("BC", Ed25519.defaultInstance().providerName());
        assertEquals("JDK", Ed25519.named("jdk").providerName());
        assertEquals("BC", Ed25519.named("bc").providerName());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Ed25519.named("NoSuchProvider"));
        assertTrue(e.getMessage().contains("NoSuchProvider"), e.getMessage());
    }

    @Test
    void shouldShowOnlyTheFingerprint() {
        Identity id = Identity.generate();
        assertTrue(id.toString().contains(id.fingerprint()));
        assertFalse(id.toString().contains(id.toPem().split("\n")[1]));
        assertTrue(id.fingerprint().matches("[0-9a-f]{4}(:[0-9a-f]{4}){3}"), id.fingerprint());
        assertNotEquals(id.fingerprint(), Identity.generate().fingerprint());
    }

    @Test
    void shouldRefuseWhatIsNotAnEd25519Key() throws IOException {
        Path notPem = dir.resolve("key.txt");
        Files.writeString(notPem, "hello\n");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Identity.readFrom(notPem));
        assertTrue(e.getMessage().contains(notPem.toString()) && e.getMessage().contains("BEGIN PRIVATE KEY"),
                e.getMessage());
        String publicPem = Identity.generate().publicIdentity().toPem();
        assertThrows(IllegalArgumentException.class, () -> Identity.fromPem(publicPem, Ed25519.jdk()));
        String rsaLike = "-----BEGIN PRIVATE KEY-----\nMIIBVQIBADANBgkqhkiG9w0BAQEFAASCAT8wggE7AgEAAkEA\n-----END PRIVATE KEY-----\n";
        e = assertThrows(IllegalArgumentException.class, () -> Identity.fromPem(rsaLike, Ed25519.jdk()));
        assertTrue(e.getMessage().contains("not an Ed25519 private key"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Identity.readFrom(dir.resolve("missing.pem")));
    }

    @Test
    void shouldReadKeysOpenSslWrote() throws Exception {
        requireOpenSsl();
        Path key = dir.resolve("openssl.pem");
        Path pub = dir.resolve("openssl.pub");
        run("openssl", "genpkey", "-algorithm", "ed25519", "-out", key.toString());
        run("openssl", "pkey", "-in", key.toString(), "-pubout", "-out", pub.toString());
        Identity id = Identity.readFrom(key, Ed25519.jdk());
        assertEquals(PublicIdentity.fromPem(Files.readString(pub)), id.publicIdentity());
        assertEquals(Files.readString(key), id.toPem(), "we write what OpenSSL writes, byte for byte");
        assertEquals(Files.readString(pub), id.publicIdentity().toPem());
    }

    @Test
    void shouldWriteKeysOpenSslReadsAndSignaturesItVerifies() throws Exception {
        requireOpenSsl();
        Identity id = Identity.generate(Ed25519.jdk(), new SecureRandom());
        Path key = dir.resolve("udpkit.pem");
        Path pub = dir.resolve("udpkit.pub");
        Path message = dir.resolve("message");
        Path signature = dir.resolve("signature");
        id.writeTo(key);
        Files.writeString(pub, id.publicIdentity().toPem());
        Files.write(message, "signed by udpkit".getBytes(StandardCharsets.UTF_8));
        Files.write(signature, id.sign(Files.readAllBytes(message)));
        String derived = run("openssl", "pkey", "-in", key.toString(), "-pubout");
        assertEquals(id.publicIdentity().toPem(), derived);
        String verified = run("openssl", "pkeyutl", "-verify", "-pubin", "-inkey", pub.toString(), "-rawin",
                "-in", message.toString(), "-sigfile", signature.toString());
        assertTrue(verified.contains("Signature Verified Successfully"), verified);
    }

    private static void requireOpenSsl() {
        String missing = Proc.cannotRun(WAIT_SECONDS, "openssl", "version");
        assumeTrue(missing == null, () -> "skipped: " + missing + " (apt-get install -y openssl), so interop "
                + "with OpenSSL's PEM files cannot be checked here");
    }

    private static String run(String... command) throws IOException {
        Proc.Result r = Proc.run(WAIT_SECONDS, "", List.of(command));
        assertEquals(0, r.exitCode(), () -> String.join(" ", command) + ": " + r.stderr());
        return r.stdout() + r.stderr();
    }
}
