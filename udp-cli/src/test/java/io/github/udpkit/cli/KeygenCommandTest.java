package io.github.udpkit.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.udpkit.core.security.Key;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code udpkit keygen}: new keys, private files, no overwriting, the key shown only when asked for. */
class KeygenCommandTest {

    @TempDir
    Path dir;

    @Test
    void shouldWriteANewKeyReadableByItsOwnerOnly() throws Exception {
        Assumptions.assumeTrue(FileSystems.getDefault().supportedFileAttributeViews().contains("posix"),
                "POSIX permissions");
        Path file = dir.resolve("udpkit.key");
        Cli.Result r = Cli.run("keygen", "--out", file.toString());
        assertEquals(0, r.exit(), r.err());
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        Key key = Key.readFrom(file);
        assertEquals(List.of("wrote a new key to " + file + " (fingerprint " + key.fingerprint()
                + ", permissions rw-------)"), r.outLines());
        assertEquals("", r.err());
        assertTrue(!r.out().contains(key.toBase64()), "the key itself is not printed");
    }

    @Test
    void shouldRefuseToOverwriteAnExistingFile() throws Exception {
        Path file = dir.resolve("udpkit.key");
        assertEquals(0, Cli.run("keygen", "-o", file.toString()).exit());
        byte[] before = Files.readAllBytes(file);
        Cli.Result again = Cli.run("keygen", "-o", file.toString());
        again.assertUsageError("key file already exists, not overwriting it: " + file);
        assertEquals("", again.out());
        assertEquals(new String(before, java.nio.charset.StandardCharsets.US_ASCII),
                Files.readString(file), "the first key is kept");
    }

    @Test
    void shouldPrintTheKeyOnlyWhenThereIsNoFile() {
        Cli.Result r = Cli.run("keygen");
        assertEquals(0, r.exit(), r.err());
        assertEquals(1, r.outLines().size(), r.out());
        String text = r.outLines().get(0);
        assertEquals(32, Base64.getDecoder().decode(text).length, text);
        Key key = Key.fromBase64(text);
        assertTrue(r.err().startsWith("key fingerprint " + key.fingerprint() + " "), r.err());
        assertNotEquals(text, Cli.run("keygen").outLines().get(0), "a new key each time");
    }

    @Test
    void shouldReportAFileThatCannotBeWritten() {
        Path nowhere = dir.resolve("no-such-dir").resolve("k.key");
        Cli.run("keygen", "--out", nowhere.toString())
                .assertUsageError("cannot write key file " + nowhere + ": its directory does not exist");
    }
}
