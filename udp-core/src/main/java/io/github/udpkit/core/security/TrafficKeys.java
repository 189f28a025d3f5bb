package io.github.udpkit.core.security;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkState;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Objects;
import javax.crypto.spec.SecretKeySpec;

/**
 * The keys of one direction of one session at one generation: an AEAD key and a 96-bit IV, both
 * derived from a 32-byte traffic secret.
 *
 * <p>Derivation (HKDF-Expand of RFC 5869 with SHA-256, labels in ASCII without terminator,
 * {@code g} a 4-byte big-endian generation number):
 * <pre>
 *   secret(0)   = the traffic secret given to {@link #fromSecret}
 *   secret(g)   = HKDF-Expand(secret(0), "udpkit v1 ku" || g, 32)      for g &gt; 0
 *   key         = HKDF-Expand(secret(g), "udpkit v1 key", 32)
 *   iv          = HKDF-Expand(secret(g), "udpkit v1 iv",  12)
 * </pre>
 * The nonce of packet number {@code pn} is {@code iv XOR (4 zero bytes || pn as 8 bytes
 * big-endian)}, as in TLS 1.3 and QUIC: unique for every packet number under one key.
 *
 * <p>Every generation comes from generation 0 in one step rather than from the one before (QUIC
 * chains them): a receiver can then compute the keys of any generation a packet names at a fixed
 * cost, so a forged packet naming generation 2<sup>30</sup> cannot make it hash a billion times.
 * Chaining would buy nothing here: all keys come from the pre-shared key anyway, so no generation
 * is more secret than another.
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
    /** Generation 0's secret, which every generation is derived from; shared, never modified. */
    private final byte[] baseSecret;
    private final SecretKeySpec key;
    private final byte[] iv;
    private boolean sealerMade;

    private TrafficKeys(AeadAlgorithm algorithm, int generation, byte[] baseSecret) {
        this.algorithm = algorithm;
        this.generation = generation;
        this.baseSecret = baseSecret;
        byte[] secret = generation == 0 ? baseSecret : Hkdf.expand(baseSecret,
                ByteBuffer.allocate(KEY_UPDATE_LABEL.length + 4).put(KEY_UPDATE_LABEL).putInt(generation).array(),
                Hkdf.HASH_LENGTH);
        byte[] keyBytes = Hkdf.expand(secret, KEY_LABEL, AeadAlgorithm.KEY_LENGTH);
        this.key = new SecretKeySpec(keyBytes, algorithm.keyAlgorithm());
        Arrays.fill(keyBytes, (byte) 0);
        this.iv = Hkdf.expand(secret, IV_LABEL, AeadAlgorithm.NONCE_LENGTH);
        if (secret != baseSecret) {
            Arrays.fill(secret, (byte) 0);
        }
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
     * Derives the next generation's keys (a key update): a fresh key and IV, independent of these.
     *
     * @return the keys of generation {@code generation() + 1}
     */
    public TrafficKeys nextGeneration() {
        checkState(generation < Integer.MAX_VALUE, "no generation after %s", generation);
        return new TrafficKeys(algorithm, generation + 1, baseSecret);
    }

    /**
     * Derives the keys of any generation of this direction, at the cost of one derivation
     * whatever the number: the same keys {@link #nextGeneration()} reaches step by step.
     *
     * @param newGeneration the generation, not negative
     * @return the keys of that generation
     */
    TrafficKeys atGeneration(int newGeneration) {
        checkArgument(newGeneration >= 0, "generation must not be negative: %s", newGeneration);
        return newGeneration == generation ? this : new TrafficKeys(algorithm, newGeneration, baseSecret);
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
