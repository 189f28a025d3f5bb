package io.github.udpkit.core.security;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkState;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Objects;
import javax.crypto.spec.SecretKeySpec;

/**
 * The keys of one direction of one session at one generation: an AEAD key and a 96-bit IV, both
 * derived from a 32-byte traffic secret, which also yields the next generation's secret.
 *
 * <p>Derivation (HKDF-Expand of RFC 5869 with SHA-256, labels in ASCII without terminator):
 * <pre>
 *   key         = HKDF-Expand(secret, "udpkit v1 key", 32)
 *   iv          = HKDF-Expand(secret, "udpkit v1 iv",  12)
 *   next secret = HKDF-Expand(secret, "udpkit v1 ku",  32)
 * </pre>
 * The nonce of packet number {@code pn} is {@code iv XOR (4 zero bytes || pn as 8 bytes
 * big-endian)}, as in TLS 1.3 and QUIC: unique for every packet number under one key.
 *
 * <p>Obtain them from {@link SessionKeys#derive}. Immutable and thread-safe; the sealer and openers
 * made from them are not. At most one {@link AeadSealer} can be made from one instance, because
 * two sealers would reuse nonces.
 *
 * @since 0.1.0
 */
public final class TrafficKeys {
    private static final byte[] KEY_LABEL = ascii("udpkit v1 key");
    private static final byte[] IV_LABEL = ascii("udpkit v1 iv");
    private static final byte[] KEY_UPDATE_LABEL = ascii("udpkit v1 ku");

    private final AeadAlgorithm algorithm;
    private final int generation;
    private final byte[] secret;
    private final SecretKeySpec key;
    private final byte[] iv;
    private boolean sealerMade;

    private TrafficKeys(AeadAlgorithm algorithm, int generation, byte[] secret) {
        this.algorithm = algorithm;
        this.generation = generation;
        this.secret = secret;
        byte[] keyBytes = Hkdf.expand(secret, KEY_LABEL, AeadAlgorithm.KEY_LENGTH);
        this.key = new SecretKeySpec(keyBytes, algorithm.keyAlgorithm());
        Arrays.fill(keyBytes, (byte) 0);
        this.iv = Hkdf.expand(secret, IV_LABEL, AeadAlgorithm.NONCE_LENGTH);
    }

    /**
     * Creates generation 0 keys from a traffic secret. {@link SessionKeys} does this; it is public
     * for tests and for protocols that agree on a secret by other means.
     *
     * @param algorithm the AEAD algorithm
     * @param secret the 32-byte traffic secret; copied
     * @return the keys
     */
    public static TrafficKeys fromSecret(AeadAlgorithm algorithm, byte[] secret) {
        Objects.requireNonNull(algorithm, "algorithm");
        Objects.requireNonNull(secret, "secret");
        checkArgument(secret.length == Hkdf.HASH_LENGTH,
                "a traffic secret must be %s bytes: %s", Hkdf.HASH_LENGTH, secret.length);
        return new TrafficKeys(algorithm, 0, secret.clone());
    }

    /**
     * Derives the next generation's keys (a key update, as in QUIC): a fresh key and IV from
     * {@code HKDF-Expand(secret, "udpkit v1 ku", 32)}. Knowing the new keys does not reveal these.
     *
     * @return the keys of generation {@code generation() + 1}
     */
    public TrafficKeys nextGeneration() {
        checkState(generation < Integer.MAX_VALUE, "no generation after %s", generation);
        return new TrafficKeys(algorithm, generation + 1, Hkdf.expand(secret, KEY_UPDATE_LABEL, Hkdf.HASH_LENGTH));
    }

    /**
     * Makes the sealer for these keys. Only one may be made, so no two sealers ever use the same
     * nonce; the sealer is for the one thread that sends.
     *
     * @return the sealer
     * @throws IllegalStateException if a sealer was already made from these keys
     */
    public AeadSealer newSealer() {
        return newSealer(algorithm.keyUpdateThreshold(), algorithm.confidentialityLimit());
    }

    synchronized AeadSealer newSealer(long keyUpdateThreshold, long confidentialityLimit) {
        checkState(!sealerMade, "a sealer was already made for %s: a second one would reuse nonces", this);
        sealerMade = true;
        return new AeadSealer(this, keyUpdateThreshold, confidentialityLimit);
    }

    /**
     * Makes an opener for these keys, for the one thread that receives.
     *
     * @return a new opener
     */
    public AeadOpener newOpener() {
        return new AeadOpener(this);
    }

    /**
     * Returns the AEAD algorithm the keys are for.
     *
     * @return the algorithm
     */
    public AeadAlgorithm algorithm() {
        return algorithm;
    }

    /**
     * Returns the key generation: 0 for keys fresh from a session, one more for each
     * {@link #nextGeneration()}.
     *
     * @return the generation
     */
    public int generation() {
        return generation;
    }

    /**
     * Describes the keys without revealing them.
     *
     * @return algorithm and generation
     */
    @Override
    public String toString() {
        return "TrafficKeys[" + algorithm + ", generation " + generation + "]";
    }

    SecretKeySpec key() {
        return key;
    }

    /**
     * Writes the nonce for a packet number into {@code nonce}.
     *
     * @param packetNumber the packet number
     * @param nonce a 12-byte array to fill
     */
    void nonce(long packetNumber, byte[] nonce) {
        for (int i = 0; i < 4; i++) {
            nonce[i] = iv[i];
        }
        for (int i = 0; i < 8; i++) {
            nonce[4 + i] = (byte) (iv[4 + i] ^ (packetNumber >>> (56 - 8 * i)));
        }
    }

    private static byte[] ascii(String label) {
        return label.getBytes(StandardCharsets.US_ASCII);
    }
}
