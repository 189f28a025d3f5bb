package io.github.udpkit.core.security;

import java.security.GeneralSecurityException;
import javax.crypto.Cipher;

/**
 * The AEAD algorithms that protect udpkit's encrypted frames, with the usage limits each key must
 * respect.
 *
 * <p>Both take a 256-bit key and a 96-bit nonce and append a 128-bit tag. The limits are those of
 * RFC 9001 §6.6 (QUIC), stated in packets: a sender must stop using a key before
 * {@link #confidentialityLimit()} packets, and a receiver must stop accepting a key after
 * {@link #integrityLimit()} packets failed authentication under it. {@link AeadSealer} refuses to
 * seal past the confidentiality limit and reports {@link AeadSealer#keyUpdateDue()} at
 * {@link #keyUpdateThreshold()}, far earlier, so the engine updates keys with a wide margin.
 *
 * @since 0.1.0
 */
public enum AeadAlgorithm {
    /**
     * AES-256 in Galois/Counter Mode, the default: hardware accelerated on common CPUs.
     *
     * <p>Confidentiality limit 2<sup>23</sup> packets: RFC 9001's figure, derived for packets of up
     * to 2<sup>16</sup> bytes, so conservative for datagrams, which are never larger.
     */
    AES_256_GCM(1, "AES/GCM/NoPadding", "AES", 1L << 23, 1L << 52),

    /**
     * ChaCha20-Poly1305 (RFC 8439), fast in software where AES has no hardware support.
     *
     * <p>No practical confidentiality limit (RFC 9001: more than 2<sup>62</sup> packets); integrity
     * limit 2<sup>36</sup> failed packets.
     */
    CHACHA20_POLY1305(2, "ChaCha20-Poly1305", "ChaCha20", 1L << 62, 1L << 36);

    /** Key length of both algorithms, in bytes. */
    public static final int KEY_LENGTH = 32;

    /** Nonce length of both algorithms, in bytes. */
    public static final int NONCE_LENGTH = 12;

    /** Authentication tag length of both algorithms, in bytes; appended to every ciphertext. */
    public static final int TAG_LENGTH = 16;

    /**
     * Packets sealed under one key after which a key update is due: 2<sup>22</sup>, half of
     * AES-GCM's confidentiality limit, used for both algorithms so that key update is exercised
     * the same way whichever is chosen.
     */
    private static final long KEY_UPDATE_THRESHOLD = 1L << 22;

    private final int id;
    private final String transformation;
    private final String keyAlgorithm;
    private final long confidentialityLimit;
    private final long integrityLimit;

    AeadAlgorithm(int id, String transformation, String keyAlgorithm, long confidentialityLimit,
            long integrityLimit) {
        this.id = id;
        this.transformation = transformation;
        this.keyAlgorithm = keyAlgorithm;
        this.confidentialityLimit = confidentialityLimit;
        this.integrityLimit = integrityLimit;
    }

    /**
     * Returns the one-byte identifier of this algorithm in key derivation (and on the wire, should
     * the protocol negotiate it): 1 for AES-256-GCM, 2 for ChaCha20-Poly1305.
     *
     * @return the identifier
     */
    public int id() {
        return id;
    }

    /**
     * Returns the JCA transformation name, as given to {@link Cipher#getInstance(String)}.
     *
     * @return the transformation
     */
    public String transformation() {
        return transformation;
    }

    /**
     * Returns the most packets one key may seal (RFC 9001 §6.6); sealing beyond is refused.
     *
     * @return the limit in packets
     */
    public long confidentialityLimit() {
        return confidentialityLimit;
    }

    /**
     * Returns the most packets that may fail authentication under one key before the receiver
     * must stop using it (RFC 9001 §6.6); the receiver counts them.
     *
     * @return the limit in packets
     */
    public long integrityLimit() {
        return integrityLimit;
    }

    /**
     * Returns how many packets a key seals before a key update is due: 2<sup>22</sup>, half the
     * AES-GCM confidentiality limit.
     *
     * @return the threshold in packets
     */
    public long keyUpdateThreshold() {
        return Math.min(KEY_UPDATE_THRESHOLD, confidentialityLimit);
    }

    /**
     * Finds an algorithm by its {@link #id()}.
     *
     * @param id the identifier
     * @return the algorithm
     * @throws IllegalArgumentException if no algorithm has that identifier
     */
    public static AeadAlgorithm ofId(int id) {
        for (AeadAlgorithm a : values()) {
            if (a.id == id) {
                return a;
            }
        }
        throw new IllegalArgumentException("unknown AEAD algorithm id: " + id);
    }

    String keyAlgorithm() {
        return keyAlgorithm;
    }

    Cipher newCipher() {
        try {
            return Cipher.getInstance(transformation);
        } catch (GeneralSecurityException e) {
            // SunJCE has provided both since JDK 11.
            throw new IllegalStateException(transformation + " is not available in this JDK", e);
        }
    }
}
