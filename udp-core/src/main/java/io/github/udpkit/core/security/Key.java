package io.github.udpkit.core.security;

import static com.google.common.base.Preconditions.checkArgument;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.Objects;

/**
 * A 256-bit pre-shared key, the secret both ends of an encrypted udpkit session start from.
 *
 * <p>Keys travel as base64 text (standard or URL-safe alphabet, padding optional), in a string or
 * a file. {@link #toString()} shows only a {@linkplain #fingerprint() fingerprint}, never the key,
 * so a key can be logged by accident without leaking. Instances are immutable and thread-safe.
 *
 * @since 0.1.0
 */
public final class Key {
    /** Length of a key in bytes. */
    public static final int LENGTH = 32;

    private static final byte[] FINGERPRINT_LABEL = "udpkit v1 key fingerprint".getBytes(StandardCharsets.US_ASCII);

    private final byte[] material;
    private final String fingerprint;

    private Key(byte[] material) {
        this.material = material;
        // A one-way, domain-separated digest: safe to log, enough to tell two keys apart.
        byte[] digest = Hkdf.expand(Hkdf.extract(null, material), FINGERPRINT_LABEL, 4);
        StringBuilder sb = new StringBuilder(8);
        for (byte b : digest) {
            sb.append(Character.forDigit((b >> 4) & 0xF, 16)).append(Character.forDigit(b & 0xF, 16));
        }
        this.fingerprint = sb.toString();
    }

    /**
     * Wraps 32 raw bytes.
     *
     * @param material the key bytes; copied
     * @return the key
     */
    public static Key of(byte[] material) {
        Objects.requireNonNull(material, "material");
        checkArgument(material.length == LENGTH, "a key must be %s bytes: %s", LENGTH, material.length);
        return new Key(material.clone());
    }

    /**
     * Generates a new random key.
     *
     * @return the key
     */
    public static Key generate() {
        return generate(new SecureRandom());
    }

    /**
     * Generates a new random key from the given source.
     *
     * @param random a cryptographically strong random source
     * @return the key
     */
    public static Key generate(SecureRandom random) {
        Objects.requireNonNull(random, "random");
        byte[] material = new byte[LENGTH];
        random.nextBytes(material);
        return new Key(material);
    }

    /**
     * Parses a key from base64 text; surrounding and embedded whitespace is ignored.
     *
     * @param base64 44 base64 characters (or 43 without padding), either alphabet
     * @return the key
     * @throws IllegalArgumentException if the text is not base64 of exactly 32 bytes; the message
     *     does not repeat the text, which may be a secret
     */
    public static Key fromBase64(String base64) {
        Objects.requireNonNull(base64, "base64");
        return new Key(decode(base64, "key text"));
    }

    /**
     * Reads a key written by {@link #writeTo} or by hand: base64 text, whitespace tolerated.
     *
     * <p>On POSIX file systems, a file readable or writable by group or others is still read, and
     * a warning is logged, since the key should be private to its owner.
     *
     * @param file the key file
     * @return the key
     * @throws IllegalArgumentException naming the file, if it is missing, unreadable, too large,
     *     or does not hold base64 of exactly 32 bytes
     */
    public static Key readFrom(Path file) {
        byte[] content = SecretFiles.read(file, "key file");
        try {
            return new Key(decode(new String(content, StandardCharsets.US_ASCII), "key file " + file));
        } finally {
            Arrays.fill(content, (byte) 0);
        }
    }

    /**
     * Writes this key as one line of base64 to a new file, readable and writable by its owner only
     * on POSIX file systems. The permissions are given when the file is created, so the key is
     * never readable by others, not even briefly.
     *
     * @param file where to write; must not exist yet
     * @throws IllegalArgumentException naming the file, if it exists or cannot be written
     */
    public void writeTo(Path file) {
        byte[] text = (toBase64() + "\n").getBytes(StandardCharsets.US_ASCII);
        try {
            SecretFiles.writeNew(file, text, "key file");
        } finally {
            Arrays.fill(text, (byte) 0);
        }
    }

    /**
     * Returns the key as base64 text (standard alphabet, padded), the form files hold.
     *
     * @return 44 characters of base64; a secret
     */
    public String toBase64() {
        return Base64.getEncoder().encodeToString(material);
    }

    /**
     * Returns the raw key bytes.
     *
     * @return a copy of the 32 key bytes; a secret
     */
    public byte[] toBytes() {
        return material.clone();
    }

    /**
     * Returns a short, non-secret digest of the key (8 hex digits), to compare keys in logs and
     * diagnostics without revealing them.
     *
     * @return the fingerprint
     */
    public String fingerprint() {
        return fingerprint;
    }

    /** The key material itself, for derivations inside this package; never modified. */
    byte[] material() {
        return material;
    }

    /**
     * Compares keys in constant time.
     *
     * @param o another object
     * @return whether it is a key with the same bytes
     */
    @Override
    public boolean equals(Object o) {
        return o instanceof Key && MessageDigest.isEqual(material, ((Key) o).material);
    }

    @Override
    public int hashCode() {
        return fingerprint.hashCode();
    }

    /**
     * Describes the key by its fingerprint only.
     *
     * @return {@code Key[fingerprint=…]}
     */
    @Override
    public String toString() {
        return "Key[fingerprint=" + fingerprint + "]";
    }

    /** Decodes base64 of exactly 32 bytes, either alphabet, whitespace ignored; messages never quote the text. */
    static byte[] decode(String text, String what) {
        StringBuilder compact = new StringBuilder(text.length());
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '-') {
                compact.append('+');
            } else if (c == '_') {
                compact.append('/');
            } else if (!Character.isWhitespace(c)) {
                compact.append(c);
            }
        }
        checkArgument(compact.length() > 0, "%s is empty: expected %s bytes of base64", what, LENGTH);
        byte[] bytes;
        try {
            bytes = Base64.getDecoder().decode(compact.toString());
        } catch (IllegalArgumentException e) {
            // Base64's message may quote a character of the key; say only what is wrong.
            throw new IllegalArgumentException(what + " is not valid base64 ("
                    + compact.length() + " characters after removing whitespace)");
        }
        if (bytes.length != LENGTH) {
            int n = bytes.length;
            Arrays.fill(bytes, (byte) 0);
            throw new IllegalArgumentException(what + " has the wrong length: " + n
                    + " bytes of base64, expected " + LENGTH + " (a 256-bit key)");
        }
        return bytes;
    }
}
