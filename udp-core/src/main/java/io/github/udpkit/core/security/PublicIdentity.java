package io.github.udpkit.core.security;

import static com.google.common.base.Preconditions.checkArgument;

import com.google.common.hash.Hashing;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.Objects;

/**
 * The public half of an {@link Identity}: a 32-byte Ed25519 public key, which is all a peer needs
 * to check that identity's signatures.
 *
 * <p>It reads and writes the SubjectPublicKeyInfo PEM that {@code openssl pkey -pubout} writes, and
 * the raw key in base64 (the form of a known-keys file). Its {@linkplain #fingerprint() fingerprint}
 * is short enough to read out over the phone. Immutable; equal when the keys are.
 *
 * @since 0.1.0
 */
public final class PublicIdentity {

    private static final String PEM_TYPE = "PUBLIC KEY";

    private final byte[] raw;
    private final String fingerprint;

    private PublicIdentity(byte[] raw) {
        this.raw = raw;
        this.fingerprint = fingerprintOf(raw);
    }

    /**
     * Wraps a raw Ed25519 public key, as RFC 8032 encodes it.
     *
     * @param raw 32 bytes; copied
     * @return the public identity
     */
    public static PublicIdentity of(byte[] raw) {
        Objects.requireNonNull(raw, "raw");
        checkArgument(raw.length == Ed25519.KEY_LENGTH, "an Ed25519 public key must be %s bytes: %s",
                Ed25519.KEY_LENGTH, raw.length);
        return new PublicIdentity(raw.clone());
    }

    /**
     * Parses the raw key as base64 (either alphabet, padding optional).
     *
     * @param base64 43 or 44 characters of base64
     * @return the public identity
     * @throws IllegalArgumentException if the text is not base64 of 32 bytes
     */
    public static PublicIdentity fromBase64(String base64) {
        Objects.requireNonNull(base64, "base64");
        return new PublicIdentity(Pem.base64(base64.trim(), Ed25519.KEY_LENGTH, "public key"));
    }

    /**
     * Parses a PEM {@code PUBLIC KEY} block (SubjectPublicKeyInfo), as {@code openssl pkey -pubout} writes it.
     *
     * @param pem the text; anything around the block is ignored
     * @return the public identity
     * @throws IllegalArgumentException if there is no such block or it does not hold an Ed25519 key
     */
    public static PublicIdentity fromPem(String pem) {
        Objects.requireNonNull(pem, "pem");
        return new PublicIdentity(Ed25519.rawFromSpki(Pem.decode(pem, PEM_TYPE, "public key PEM"), "public key PEM"));
    }

    /**
     * Returns the key as PEM, SubjectPublicKeyInfo, exactly as {@code openssl pkey -pubout} writes it.
     *
     * @return the PEM text, ending with a newline
     */
    public String toPem() {
        return Pem.encode(PEM_TYPE, Ed25519.concat(Ed25519.SPKI_PREFIX, raw));
    }

    /**
     * Returns the raw key.
     *
     * @return a copy of the 32 bytes
     */
    public byte[] toBytes() {
        return raw.clone();
    }

    /** The raw key itself, for this package's hot paths; never modified. */
    byte[] rawUnsafe() {
        return raw;
    }

    /**
     * Returns the raw key as base64 (standard alphabet, padded).
     *
     * @return 44 characters
     */
    public String toBase64() {
        return Base64.getEncoder().encodeToString(raw);
    }

    /**
     * A short fingerprint of the key: the first 8 bytes of the SHA-256 of the raw key, in four
     * colon-separated groups of hex digits, such as {@code 3f9a:1c22:77b0:e4d1}. Anyone can compute
     * it from the key alone; 64 bits is enough to tell keys apart by eye, not to stand in for one.
     *
     * @return the fingerprint
     */
    public String fingerprint() {
        return fingerprint;
    }

    private static String fingerprintOf(byte[] raw) {
        byte[] digest = Hashing.sha256().hashBytes(raw).asBytes();
        StringBuilder sb = new StringBuilder(19);
        for (int i = 0; i < 8; i++) {
            if (i > 0 && i % 2 == 0) {
                sb.append(':');
            }
            sb.append(Character.forDigit((digest[i] >> 4) & 0xF, 16)).append(Character.forDigit(digest[i] & 0xF, 16));
        }
        return sb.toString();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof PublicIdentity p && Arrays.equals(raw, p.raw);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(raw);
    }

    /**
     * Describes the key by its fingerprint.
     *
     * @return {@code ed25519:FINGERPRINT}
     */
    @Override
    public String toString() {
        return "ed25519:" + fingerprint;
    }

    /** PEM armour (RFC 7468): base64 lines of 64 characters between BEGIN and END lines. */
    static final class Pem {
        private Pem() {
        }

        static String encode(String type, byte[] der) {
            String body = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der);
            return "-----BEGIN " + type + "-----\n" + body + "\n-----END " + type + "-----\n";
        }

        static byte[] decode(String text, String type, String what) {
            String begin = "-----BEGIN " + type + "-----";
            String end = "-----END " + type + "-----";
            int b = text.indexOf(begin);
            checkArgument(b >= 0, "%s has no '%s' line", what, begin);
            int e = text.indexOf(end, b + begin.length());
            checkArgument(e >= 0, "%s has no '%s' line", what, end);
            String body = text.substring(b + begin.length(), e).replaceAll("\\s", "");
            try {
                return Base64.getDecoder().decode(body);
            } catch (IllegalArgumentException x) {
                throw new IllegalArgumentException(what + " is not valid base64 between its BEGIN and END lines", x);
            }
        }

        static byte[] base64(String text, int length, String what) {
            byte[] bytes;
            try {
                bytes = text.indexOf('-') >= 0 || text.indexOf('_') >= 0
                        ? Base64.getUrlDecoder().decode(text) : Base64.getDecoder().decode(text);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(what + " is not valid base64", e);
            }
            checkArgument(bytes.length == length, "%s must be base64 of %s bytes: %s bytes", what, length, bytes.length);
            return bytes;
        }
    }
}
