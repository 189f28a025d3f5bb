package io.github.udpkit.core.security;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KeyTest {
    private static final byte[] MATERIAL = Hex.range(0, 32);
    private static final String BASE64 = Base64.getEncoder().encodeToString(MATERIAL);

    @TempDir
    Path dir;

    @Test
    void shouldRoundTripThroughBase64() {
        Key key = Key.generate();
        assertEquals(key, Key.fromBase64(key.toBase64()));
        assertArrayEquals(MATERIAL, Key.fromBase64(BASE64).toBytes());
    }

    @Test
    void shouldAcceptUrlSafeAlphabetMissingPaddingAndWhitespace() {
        byte[] material = new byte[32];
        java.util.Arrays.fill(material, (byte) 0xfb); // encodes to '+' and '/' in the standard alphabet
        String standard = Base64.getEncoder().encodeToString(material);
        assertTrue(standard.contains("+") || standard.contains("/"));
        String urlSafe = Base64.getUrlEncoder().withoutPadding().encodeToString(material);
        assertArrayEquals(material, Key.fromBase64(urlSafe).toBytes());
        String spaced = " " + standard.substring(0, 20) + "\n\t" + standard.substring(20) + "\r\n";
        assertArrayEquals(material, Key.fromBase64(spaced).toBytes());
    }

    @Test
    void shouldRejectWrongLengthAndBadBase64WithoutQuotingTheText() {
        String short16 = Base64.getEncoder().encodeToString(new byte[16]);
        IllegalArgumentException length = assertThrows(IllegalArgumentException.class, () -> Key.fromBase64(short16));
        assertTrue(length.getMessage().contains("wrong length") && length.getMessage().contains("16"),
                length.getMessage());
        assertFalse(length.getMessage().contains(short16));
        String bad = BASE64.substring(0, 10) + "*" + BASE64.substring(11);
        IllegalArgumentException base64 = assertThrows(IllegalArgumentException.class, () -> Key.fromBase64(bad));
        assertTrue(base64.getMessage().contains("not valid base64"), base64.getMessage());
        assertFalse(base64.getMessage().contains(bad.substring(0, 10)), base64.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Key.fromBase64("  \n"));
        assertThrows(IllegalArgumentException.class, () -> Key.of(new byte[31]));
    }

    @Test
    void shouldNeverPrintTheKey() {
        Key key = Key.fromBase64(BASE64);
        assertFalse(key.toString().contains(BASE64), key.toString());
        assertFalse(key.toString().contains(Hex.of(MATERIAL)), key.toString());
        assertTrue(key.toString().contains(key.fingerprint()));
        assertEquals(8, key.fingerprint().length());
        assertEquals(key.fingerprint(), Key.of(MATERIAL).fingerprint(), "fingerprints are stable");
        assertNotEquals(key.fingerprint(), Key.generate().fingerprint());
    }

    @Test
    void shouldWriteAndReadBackAKeyFile() {
        Path file = dir.resolve("udpkit.key");
        Key key = Key.generate();
        key.writeTo(file);
        assertEquals(key, Key.readFrom(file));
    }

    @Test
    void shouldCreateKeyFileOwnerOnlyOnPosix() throws IOException {
        assumeTrue(SecretFiles.posixPermissions(dir) != null, "file system has no POSIX permissions");
        Path file = dir.resolve("private.key");
        Key.generate().writeTo(file);
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        assertFalse(SecretFiles.sharedWithOthers(SecretFiles.posixPermissions(file)));
    }

    @Test
    void shouldRefuseToOverwriteAnExistingFile() throws IOException {
        Path file = dir.resolve("existing.key");
        Files.writeString(file, "precious");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Key.generate().writeTo(file));
        assertTrue(e.getMessage().contains(file.toString()) && e.getMessage().contains("already exists"),
                e.getMessage());
        assertEquals("precious", Files.readString(file));
    }

    @Test
    void shouldReadKeyFileWithWhitespaceAndStillReadASharedOne() throws IOException {
        Path file = dir.resolve("shared.key");
        Files.writeString(file, "\n  " + BASE64 + "  \n\n");
        if (SecretFiles.posixPermissions(file) != null) {
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
            assertTrue(SecretFiles.sharedWithOthers(SecretFiles.posixPermissions(file)),
                    "a group/other-readable key file is what triggers the warning");
        }
        assertArrayEquals(MATERIAL, Key.readFrom(file).toBytes());
    }

    @Test
    void shouldNameTheFileAndTheProblemWhenReadingFails() throws IOException {
        Path missing = dir.resolve("missing.key");
        assertMessage(missing, "does not exist");

        Path wrongLength = dir.resolve("short.key");
        Files.writeString(wrongLength, Base64.getEncoder().encodeToString(new byte[24]));
        assertMessage(wrongLength, "wrong length");

        Path notBase64 = dir.resolve("garbage.key");
        Files.writeString(notBase64, "this is not a key!");
        assertMessage(notBase64, "not valid base64");

        Path empty = dir.resolve("empty.key");
        Files.write(empty, new byte[0]);
        assertMessage(empty, "empty");

        Path huge = dir.resolve("huge.key");
        Files.write(huge, BASE64.repeat(200).getBytes(StandardCharsets.US_ASCII));
        assertMessage(huge, "too large");

        assertMessage(dir, "is a directory");
    }

    private static void assertMessage(Path file, String problem) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Key.readFrom(file));
        assertTrue(e.getMessage().contains(file.toString()), e.getMessage());
        assertTrue(e.getMessage().contains(problem), e.getMessage());
    }
}
