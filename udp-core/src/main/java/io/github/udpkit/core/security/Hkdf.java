package io.github.udpkit.core.security;

import static com.google.common.base.Preconditions.checkArgument;

import java.security.GeneralSecurityException;
import java.security.InvalidKeyException;
import java.util.Objects;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * HKDF with HMAC-SHA256 (RFC 5869), the key derivation function behind udpkit's session keys.
 *
 * <p>{@link #extract} concentrates input keying material into a pseudorandom key; {@link #expand}
 * stretches a pseudorandom key into as many output bytes as needed (at most 255 × 32), bound to a
 * context string so that different uses of one secret yield independent keys.
 *
 * @since 0.1.0
 */
public final class Hkdf {
    /** Output length of HMAC-SHA256 in bytes; also the length of a pseudorandom key. */
    public static final int HASH_LENGTH = 32;

    /** The most bytes one {@link #expand} may produce (RFC 5869 §2.3). */
    public static final int MAX_OUTPUT_LENGTH = 255 * HASH_LENGTH;

    private static final String HMAC_SHA256 = "HmacSHA256";

    private Hkdf() {}

    /**
     * HKDF-Extract: derives a pseudorandom key from input keying material.
     *
     * @param salt the salt; {@code null} or empty means a string of {@value #HASH_LENGTH} zero bytes
     * @param ikm the input keying material
     * @return the 32-byte pseudorandom key
     */
    public static byte[] extract(byte[] salt, byte[] ikm) {
        Objects.requireNonNull(ikm, "ikm");
        byte[] effectiveSalt = salt == null || salt.length == 0 ? new byte[HASH_LENGTH] : salt;
        Mac mac = newMac(effectiveSalt);
        return mac.doFinal(ikm);
    }

    /**
     * HKDF-Expand: derives {@code length} bytes from a pseudorandom key and a context.
     *
     * @param prk a pseudorandom key of at least {@value #HASH_LENGTH} bytes
     * @param info the context and application specific information; {@code null} means empty
     * @param length how many bytes to produce, 0 to {@value #MAX_OUTPUT_LENGTH}
     * @return the output keying material
     */
    public static byte[] expand(byte[] prk, byte[] info, int length) {
        Objects.requireNonNull(prk, "prk");
        checkArgument(prk.length >= HASH_LENGTH, "prk must be at least %s bytes: %s", HASH_LENGTH, prk.length);
        checkArgument(length >= 0 && length <= MAX_OUTPUT_LENGTH,
                "length must be in 0..%s: %s", MAX_OUTPUT_LENGTH, length);
        byte[] context = info == null ? new byte[0] : info;
        Mac mac = newMac(prk);
        byte[] out = new byte[length];
        byte[] previous = new byte[0];
        int written = 0;
        for (int counter = 1; written < length; counter++) {
            mac.update(previous);
            mac.update(context);
            mac.update((byte) counter);
            previous = mac.doFinal();
            int n = Math.min(previous.length, length - written);
            System.arraycopy(previous, 0, out, written, n);
            written += n;
        }
        return out;
    }

    /**
     * Extract then expand, the usual one-shot use.
     *
     * @param salt the salt; {@code null} or empty means zeros
     * @param ikm the input keying material
     * @param info the context; {@code null} means empty
     * @param length how many bytes to produce
     * @return the output keying material
     */
    public static byte[] derive(byte[] salt, byte[] ikm, byte[] info, int length) {
        return expand(extract(salt, ikm), info, length);
    }

    private static Mac newMac(byte[] key) {
        try {
            Mac mac = Mac.getInstance(HMAC_SHA256);
            mac.init(new SecretKeySpec(key, HMAC_SHA256));
            return mac;
        } catch (InvalidKeyException e) {
            throw new IllegalArgumentException("HMAC key rejected: " + e.getMessage(), e);
        } catch (GeneralSecurityException e) {
            // Every Java SE platform must provide HmacSHA256.
            throw new IllegalStateException("HmacSHA256 is not available", e);
        }
    }
}
