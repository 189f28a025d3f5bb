package io.github.udpkit.core.security;

import static com.google.common.base.Preconditions.checkArgument;

import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.util.Objects;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;

/**
 * Authenticates and decrypts incoming packets under one direction's {@link TrafficKeys}, the
 * counterpart of {@link AeadSealer}.
 *
 * <p>Opening returns the plaintext length, or -1 if the packet fails authentication (wrong key,
 * tampered header or payload, wrong packet number, truncated): forged input never throws. The
 * caller counts failures, and stops using the keys after
 * {@link AeadAlgorithm#integrityLimit()} of them; {@link #failedCount()} keeps the tally for it.
 * Replay is not the opener's concern: check a {@link ReplayWindow} before opening and update it
 * after a successful open.
 *
 * <p>Not thread-safe: one receiving thread owns it. The JCA {@link Cipher} is reused across
 * packets.
 *
 * @since 0.1.0
 */
public final class AeadOpener {
    private final TrafficKeys keys;
    private final Cipher cipher;
    private final byte[] nonce = new byte[AeadAlgorithm.NONCE_LENGTH];
    private long opened;
    private long failed;
    private long initialisedFor = -1;

    AeadOpener(TrafficKeys keys) {
        this.keys = keys;
        this.cipher = keys.algorithm().newCipher();
    }

    /**
     * Opens a sealed payload into a caller's buffer. On failure the output region's content is
     * unspecified.
     *
     * @param packetNumber the packet number read from the header; a negative one fails
     * @param header the associated data array
     * @param headerOffset where the header starts
     * @param headerLength the header length
     * @param sealed the ciphertext-and-tag array
     * @param sealedOffset where the ciphertext starts
     * @param sealedLength ciphertext length plus 16; shorter than 16 fails
     * @param out the output array; may be the sealed array at the same offset (in place)
     * @param outOffset where to write the plaintext
     * @return the plaintext length ({@code sealedLength - 16}), or -1 if authentication failed
     * @throws IllegalArgumentException if {@code out} has no room for the plaintext
     */
    public int open(long packetNumber, byte[] header, int headerOffset, int headerLength,
            byte[] sealed, int sealedOffset, int sealedLength, byte[] out, int outOffset) {
        Objects.checkFromIndexSize(headerOffset, headerLength, header.length);
        Objects.checkFromIndexSize(sealedOffset, sealedLength, sealed.length);
        if (sealedLength < AeadAlgorithm.TAG_LENGTH || packetNumber < 0) {
            return fail();
        }
        int plaintextLength = sealedLength - AeadAlgorithm.TAG_LENGTH;
        if (outOffset < 0 || out.length - outOffset < plaintextLength) {
            // By hand: checkArgument with three ints would box them on every packet.
            throw new IllegalArgumentException("out has room for " + (out.length - outOffset) + " bytes at "
                    + outOffset + ", the plaintext needs " + plaintextLength);
        }
        try {
            begin(packetNumber);
            cipher.updateAAD(header, headerOffset, headerLength);
            int n = cipher.doFinal(sealed, sealedOffset, sealedLength, out, outOffset);
            opened++;
            return n;
        } catch (AEADBadTagException e) {
            return fail();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("opening failed for packet " + packetNumber + " under " + keys, e);
        }
    }

    /**
     * Opens a datagram in place: the header at {@code offset}, then the sealed payload, which is
     * replaced by the plaintext starting at {@code offset + headerLength}.
     *
     * @param packetNumber the packet number read from the header
     * @param datagram the datagram buffer
     * @param offset where the header starts
     * @param headerLength the header length
     * @param sealedLength the length of ciphertext plus tag after the header
     * @return the plaintext length, or -1 if authentication failed
     */
    public int openInPlace(long packetNumber, byte[] datagram, int offset, int headerLength, int sealedLength) {
        checkArgument(headerLength >= 0, "headerLength must not be negative: %s", headerLength);
        int payloadOffset = offset + headerLength;
        return open(packetNumber, datagram, offset, headerLength,
                datagram, payloadOffset, sealedLength, datagram, payloadOffset);
    }

    /**
     * Opens the remaining bytes of {@code sealed} into {@code out}, with the remaining bytes of
     * {@code header} as associated data. On success positions advance as with
     * {@link Cipher#doFinal(ByteBuffer, ByteBuffer)}; on failure they are unspecified.
     *
     * @param packetNumber the packet number read from the header
     * @param header the associated data, position to limit
     * @param sealed ciphertext and tag, position to limit
     * @param out receives the plaintext
     * @return the plaintext length, or -1 if authentication failed
     * @throws IllegalArgumentException if {@code out} has no room for the plaintext
     */
    public int open(long packetNumber, ByteBuffer header, ByteBuffer sealed, ByteBuffer out) {
        if (sealed.remaining() < AeadAlgorithm.TAG_LENGTH || packetNumber < 0) {
            return fail();
        }
        int plaintextLength = sealed.remaining() - AeadAlgorithm.TAG_LENGTH;
        checkArgument(out.remaining() >= plaintextLength,
                "out has room for %s bytes, the plaintext needs %s", out.remaining(), plaintextLength);
        try {
            begin(packetNumber);
            cipher.updateAAD(header);
            int n = cipher.doFinal(sealed, out);
            opened++;
            return n;
        } catch (AEADBadTagException e) {
            return fail();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("opening failed for packet " + packetNumber + " under " + keys, e);
        }
    }

    /**
     * Returns the keys this opener uses.
     *
     * @return the keys
     */
    public TrafficKeys keys() {
        return keys;
    }

    /**
     * Returns how many packets opened successfully.
     *
     * @return the count
     */
    public long openedCount() {
        return opened;
    }

    /**
     * Returns how many packets failed authentication, to compare with the algorithm's
     * {@link AeadAlgorithm#integrityLimit()}.
     *
     * @return the count
     */
    public long failedCount() {
        return failed;
    }

    private void begin(long packetNumber) throws GeneralSecurityException {
        if (packetNumber == initialisedFor) {
            // The JDK's ChaCha20-Poly1305 refuses two initialisations in a row with one key and
            // nonce, even to decrypt; a forged packet followed by the genuine one with the same
            // number does that. Passing through another nonce (~pn, never a valid number) resets it.
            keys.nonce(~packetNumber, nonce);
            cipher.init(Cipher.DECRYPT_MODE, keys.key(), Nonces.spec(keys.algorithm(), nonce));
        }
        keys.nonce(packetNumber, nonce);
        cipher.init(Cipher.DECRYPT_MODE, keys.key(), Nonces.spec(keys.algorithm(), nonce));
        initialisedFor = packetNumber;
    }

    private int fail() {
        failed++;
        return -1;
    }
}
