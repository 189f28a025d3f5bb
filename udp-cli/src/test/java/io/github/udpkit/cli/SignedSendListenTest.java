package io.github.udpkit.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.udpkit.core.security.Identity;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code keygen --identity}, {@code send --identity} and {@code listen --known-keys} end to end on
 * loopback: signed messages print with their signer's fingerprint, forgeries are dropped and counted.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class SignedSendListenTest {

    private static final String TIME = "\\d\\d:\\d\\d:\\d\\d\\.\\d{3}";

    @TempDir
    Path dir;

    private Identity keygen(String name) throws Exception {
        Path file = dir.resolve(name + ".pem");
        Cli.Result r = Cli.run("keygen", "--identity", "--out", file.toString());
        assertEquals(0, r.exit(), r.err());
        Identity id = Identity.readFrom(file);
        assertEquals(List.of("wrote a new identity to " + file + " (fingerprint " + id.fingerprint()
                + ", permissions rw-------)", "known-keys line: NAME ed25519 " + id.publicIdentity().toBase64()),
                r.outLines());
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        return id;
    }

    @Test
    void shouldPrintSignedMessagesWithTheSignersFingerprintTrustingOnFirstUse() throws Exception {
        Identity alice = keygen("alice");
        Path knownKeys = dir.resolve("known-keys");
        Cli.Server listen = Cli.listen("--known-keys", knownKeys.toString(), "--count", "2", "--stats");
        Cli.Result sent = Cli.run("send", "--identity", dir.resolve("alice.pem").toString(), "--signer", "alice",
                listen.hostPort(), "hello", "again");
        assertEquals(0, sent.exit(), sent.err());
        Cli.Result r = listen.running().await();
        assertEquals(0, r.exit(), r.err());
        List<String> lines = r.outLines();
        String fp = alice.fingerprint();
        assertTrue(lines.get(0).matches(TIME + " 127\\.0\\.0\\.1:\\d+ \\[alice " + fp + " new\\] hello"), lines.get(0));
        assertTrue(lines.get(1).matches(TIME + " 127\\.0\\.0\\.1:\\d+ \\[alice " + fp + "\\] again"), lines.get(1));
        assertEquals("alice ed25519 " + alice.publicIdentity().toBase64() + "\n", Files.readString(knownKeys));
    }

    @Test
    void shouldDropUnsignedAndImpostorMessagesAndCountThem() throws Exception {
        keygen("alice");
        Identity mallory = keygen("mallory");
        Path knownKeys = dir.resolve("known-keys");
        Identity alice = Identity.readFrom(dir.resolve("alice.pem"));
        Files.writeString(knownKeys, "# pinned\nalice ed25519 " + alice.publicIdentity().toBase64() + "\n");
        Cli.Server listen = Cli.listen("--known-keys", knownKeys.toString(), "--payload-only", "--count", "1", "--stats");
        assertEquals(0, Cli.run("send", listen.hostPort(), "unsigned").exit());
        assertEquals(0, Cli.run("send", "--identity", dir.resolve("mallory.pem").toString(), "--signer", "alice",
                listen.hostPort(), "I am alice").exit());
        assertEquals(0, Cli.run("send", "--identity", dir.resolve("alice.pem").toString(), "--signer", "alice",
                "--context", "elsewhere", listen.hostPort(), "moved").exit());
        assertEquals(0, Cli.run("send", "--identity", dir.resolve("alice.pem").toString(), "--signer", "alice",
                listen.hostPort(), "genuine").exit());
        Cli.Result r = listen.running().await();
        assertEquals(List.of("genuine"), r.outLines());
        assertTrue(r.err().contains("changed keys 1"), r.err());
        assertTrue(r.err().contains("bad signatures 1"), r.err());
        assertTrue(r.err().contains("dropped    not signed or not UTF-8 1, bad signatures 1, changed keys 1"),
                r.err());
        assertFalse(r.out().contains(mallory.fingerprint()));
    }

    @Test
    void shouldPrintANewIdentityWhenThereIsNoFile() throws Exception {
        Cli.Result r = Cli.run("keygen", "--identity");
        assertEquals(0, r.exit(), r.err());
        Identity id = Identity.fromPem(r.out(), io.github.udpkit.core.security.Ed25519.jdk());
        assertTrue(r.out().startsWith("-----BEGIN PRIVATE KEY-----"), r.out());
        assertEquals(List.of("identity fingerprint " + id.fingerprint() + " (the private key above is a secret; "
                        + "'udpkit keygen --identity --out FILE' writes it to a file only you can read)",
                "known-keys line: NAME ed25519 " + id.publicIdentity().toBase64()), r.errLines());
    }

    @Test
    void shouldRefuseBadOptionsInOneLine() throws Exception {
        Cli.Result r = Cli.run("send", "--identity", dir.resolve("missing.pem").toString(), "127.0.0.1:9", "x");
        assertEquals(2, r.exit());
        assertEquals(List.of("udpkit: identity file does not exist: " + dir.resolve("missing.pem")), r.errLines());
        r = Cli.run("send", "--signer", "bob", "127.0.0.1:9", "x");
        assertEquals(2, r.exit());
        assertTrue(r.err().contains("--signer names the signer of --identity"), r.err());
        Path notKey = dir.resolve("plain.key");
        assertEquals(0, Cli.run("keygen", "--out", notKey.toString()).exit());
        r = Cli.run("send", "--identity", notKey.toString(), "127.0.0.1:9", "x");
        assertEquals(2, r.exit());
        assertTrue(r.err().startsWith("udpkit: identity file " + notKey), r.err());
        assertFalse(r.err().contains("Exception"), r.err());
    }
}
