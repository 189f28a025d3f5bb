package io.github.udpkit.core.security;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkState;

import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.util.Objects;
import javax.crypto.Cipher;

/**
 * Encrypts and authenticates outgoing packets under one direction's {@link TrafficKeys}: the
 * packet header is associated data (authenticated, sent in clear), the payload is encrypted, and
 * a 16-byte tag is appended.
 *
 * <p>The nonce comes from the packet number, which must increase strictly from one sealed packet
 * to the next, so no nonce is ever used twice under the key; the sealer enforces it. It counts
 * sealed packets, tells when a {@linkplain #keyUpdateDue() key update is due}, and refuses to seal
 * beyond the algorithm's {@linkplain AeadAlgorithm#confidentialityLimit() confidentiality limit}.
 *
 * <p>Not thread-safe: one sending thread owns it. The JCA {@link Cipher} is created once and reused;
 * sealing a packet allocates only the cipher's parameter object.
 *
 * @since 0.1.0
 */
public final class AeadSealer {
    private final TrafficKeys keys;
    private final Cipher cipher;
    private final byte[] nonce = new byte[AeadAlgorithm.NONCE_LENGTH];
    private final long keyUpdateThreshold;
    private final long confidentialityLimit;
    private long lastPacketNumber = -1;
    private long sealed;

    /** Limits are parameters so that tests can reach them without sealing millions of packets. */
    AeadSealer(TrafficKeys keys, long keyUpdateThreshold, long confidentialityLimit) {
        this.keys = keys;
        this.cipher = keys.algorithm().newCipher();
        this.keyUpdateThreshold = keyUpdateThreshold;
        this.confidentialityLimit = confidentialityLimit;
    }

    /**
     * Seals a payload into a caller's buffer.
     *
     * @param packetNumber the packet number, non-negative and greater than any sealed before
     * @param header the associated data (the datagram header) array
     * @param headerOffset where the header starts
     * @param headerLength the header length, possibly 0
     * @param payload the plaintext array
     * @param payloadOffset where the plaintext starts
     * @param payloadLength the plaintext length, possibly 0
     * @param out the output array; may be the payload array at the same offset (in place)
     * @param outOffset where to write ciphertext then tag
     * @return the number of bytes written: {@code payloadLength + 16}
     * @throws IllegalArgumentException if the packet number does not increase or {@code out} is
     *     too small
     * @throws IllegalStateException once the confidentiality limit is reached
     */
    public int seal(long packetNumber, byte[] header, int headerOffset, int headerLength,
            byte[] payload, int payloadOffset, int payloadLength, byte[] out, int outOffset) {
        Objects.checkFromIndexSize(headerOffset, headerLength, header.length);
        Objects.checkFromIndexSize(payloadOffset, payloadLength, payload.length);
        if (outOffset < 0 || out.length - outOffset < payloadLength + AeadAlgorithm.TAG_LENGTH) {
            // By hand: checkArgument with three ints would box them on every packet.
            throw new IllegalArgumentException("out has room for " + (out.length - outOffset) + " bytes at "
                    + outOffset + ", sealing needs " + (payloadLength + AeadAlgorithm.TAG_LENGTH));
        }
        begin(packetNumber);
        try {
            cipher.updateAAD(header, headerOffset, headerLength);
            int n = cipher.doFinal(payload, payloadOffset, payloadLength, out, outOffset);
            finish(packetNumber);
            return n;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("sealing failed for packet " + packetNumber + " under " + keys, e);
        }
    }

    /**
     * Seals a datagram in place: {@code datagram[offset, offset + headerLength)} is the header,
     * the payload follows it and is replaced by its ciphertext, and the tag is written after it.
     *
     * @param packetNumber the packet number, non-negative and greater than any sealed before
     * @param datagram the datagram buffer, with 16 spare bytes after the payload
     * @param offset where the header starts
     * @param headerLength the header length
     * @param payloadLength the plaintext length following the header
     * @return the sealed datagram length: {@code headerLength + payloadLength + 16}
     */
    public int sealInPlace(long packetNumber, byte[] datagram, int offset, int headerLength, int payloadLength) {
        checkArgument(headerLength >= 0, "headerLength must not be negative: %s", headerLength);
        int payloadOffset = offset + headerLength;
        return headerLength + seal(packetNumber, datagram, offset, headerLength,
                datagram, payloadOffset, payloadLength, datagram, payloadOffset);
    }

    /**
     * Seals the remaining bytes of {@code payload} into {@code out}, consuming the remaining bytes
     * of {@code header} as associated data. Positions advance as with
     * {@link Cipher#doFinal(ByteBuffer, ByteBuffer)}.
     *
     * @param packetNumber the packet number, non-negative and greater than any sealed before
     * @param header the associated data, position to limit
     * @param payload the plaintext, position to limit
     * @param out receives ciphertext and tag
     * @return the number of bytes written: {@code payload.remaining() + 16}
     */
    public int seal(long packetNumber, ByteBuffer header, ByteBuffer payload, ByteBuffer out) {
        int needed = payload.remaining() + AeadAlgorithm.TAG_LENGTH;
        checkArgument(out.remaining() >= needed, "out has room for %s bytes, sealing needs %s", out.remaining(), needed);
        begin(packetNumber);
        try {
            cipher.updateAAD(header);
            int n = cipher.doFinal(payload, out);
            finish(packetNumber);
            return n;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("sealing failed for packet " + packetNumber + " under " + keys, e);
        }
    }

    /**
     * Returns the keys this sealer uses.
     *
     * @return the keys
     */
    public TrafficKeys keys() {
        return keys;
    }

    /**
     * Returns how many packets this sealer has sealed.
     *
     * @return the count
     */
    public long sealedCount() {
        return sealed;
    }

    /**
     * Returns the packet number of the last sealed packet.
     *
     * @return the packet number, or -1 before the first
     */
    public long lastPacketNumber() {
        return lastPacketNumber;
    }

    /**
     * Tells whether the sender should move to {@link TrafficKeys#nextGeneration()}: true once
     * {@link AeadAlgorithm#keyUpdateThreshold()} packets are sealed.
     *
     * @return whether a key update is due
     */
    public boolean keyUpdateDue() {
        return sealed >= keyUpdateThreshold;
    }

    private void begin(long packetNumber) {
        checkArgument(packetNumber > lastPacketNumber,
                "packet number must increase: %s after %s (a repeated nonce would break the encryption)",
                packetNumber, lastPacketNumber);
        checkState(sealed < confidentialityLimit,
                "%s has sealed %s packets, its confidentiality limit: update the keys", keys, sealed);
        keys.nonce(packetNumber, nonce);
        try {
            cipher.init(Cipher.ENCRYPT_MODE, keys.key(), Nonces.spec(keys.algorithm(), nonce));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot initialise " + keys.algorithm() + " for " + keys, e);
        }
    }

    private void finish(long packetNumber) {
        lastPacketNumber = packetNumber;
        sealed++;
    }
}
