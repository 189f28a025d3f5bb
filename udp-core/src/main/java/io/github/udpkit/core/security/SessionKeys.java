package io.github.udpkit.core.security;

import static com.google.common.base.Preconditions.checkArgument;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Objects;

/**
 * The key schedule of an encrypted udpkit session: from the pre-shared key and the two endpoints'
 * session ids, one set of {@link TrafficKeys} for each direction.
 *
 * <p>The derivation, as specified in {@code docs/PROTOCOL.md} (HKDF of RFC 5869 with SHA-256;
 * integers big-endian; labels ASCII without terminator; {@code ||} is concatenation):
 * <pre>
 *   lo, hi      = the two session ids, 8 bytes each, ordered as unsigned numbers
 *   session_prk = HKDF-Extract(salt = lo || hi, IKM = PSK)                      32 bytes
 *   secret(S→R) = HKDF-Expand(session_prk,
 *                     "udpkit v1 traffic" || alg_id (1 byte) || S || R, 32)
 * </pre>
 * then keys, IV, nonces and generations from {@code secret(S→R)} as {@link TrafficKeys} says,
 * where {@code S} is the sending endpoint's session id and {@code R} the receiving one's, and
 * {@code alg_id} is {@link AeadAlgorithm#id()} (1 = AES-256-GCM, 2 = ChaCha20-Poly1305).
 * {@link AeadProtection} applies it to every datagram with {@code S} and {@code R} the header's
 * source and destination sessions; {@code R} is 0 while the sender does not know the receiver's
 * session yet.
 *
 * <p>Why it holds: the salt makes the session's keys depend on both ids, so a session never
 * shares keys with another as long as either side's id is fresh; the direction, fixed by the
 * order of {@code S} and {@code R} in the label, gives each direction its own key and IV, so both
 * sides may number packets from 0 without colliding nonces; the algorithm id keeps one secret
 * from ever keying two algorithms. Each endpoint must therefore pick a new random session id
 * (64 bits from {@link java.security.SecureRandom}) for every session it starts, and the two ids
 * of a session must differ ({@link #derive} refuses equal ones, and {@link AeadProtection} neither
 * seals nor opens a datagram whose two ids are equal).
 *
 * @since 0.1.0
 */
public final class SessionKeys {
    private static final byte[] TRAFFIC_LABEL = "udpkit v1 traffic".getBytes(StandardCharsets.US_ASCII);

    private final AeadAlgorithm algorithm;
    private final long localSessionId;
    private final long peerSessionId;
    private final TrafficKeys sending;
    private final TrafficKeys receiving;

    private SessionKeys(AeadAlgorithm algorithm, long localSessionId, long peerSessionId,
            TrafficKeys sending, TrafficKeys receiving) {
        this.algorithm = algorithm;
        this.localSessionId = localSessionId;
        this.peerSessionId = peerSessionId;
        this.sending = sending;
        this.receiving = receiving;
    }

    /**
     * Derives both directions' keys of a session, as seen from the local endpoint. The peer calls
     * it with the ids swapped and gets the same two key sets, with sending and receiving swapped.
     *
     * @param psk the pre-shared key
     * @param localSessionId this endpoint's session id, fresh and random for this session
     * @param peerSessionId the peer's session id, from its handshake
     * @param algorithm the AEAD algorithm
     * @return the keys
     * @throws IllegalArgumentException if the two ids are equal
     */
    public static SessionKeys derive(Key psk, long localSessionId, long peerSessionId, AeadAlgorithm algorithm) {
        Objects.requireNonNull(psk, "psk");
        Objects.requireNonNull(algorithm, "algorithm");
        checkArgument(localSessionId != peerSessionId,
                "the two session ids must differ, or both directions would share keys: %s",
                Long.toHexString(localSessionId));
        byte[] prk = sessionPrk(psk, localSessionId, peerSessionId);
        try {
            return new SessionKeys(algorithm, localSessionId, peerSessionId,
                    trafficKeys(prk, algorithm, localSessionId, peerSessionId),
                    trafficKeys(prk, algorithm, peerSessionId, localSessionId));
        } finally {
            Arrays.fill(prk, (byte) 0);
        }
    }

    /**
     * Derives the keys of one direction only, {@code sender} to {@code receiver}: what
     * {@code derive(psk, sender, receiver, algorithm).sending()} gives, at half the cost.
     */
    static TrafficKeys direction(Key psk, long sender, long receiver, AeadAlgorithm algorithm) {
        checkArgument(sender != receiver, "the two session ids must differ, or both directions would share keys: %s",
                Long.toHexString(sender));
        byte[] prk = sessionPrk(psk, sender, receiver);
        try {
            return trafficKeys(prk, algorithm, sender, receiver);
        } finally {
            Arrays.fill(prk, (byte) 0);
        }
    }

    private static byte[] sessionPrk(Key psk, long a, long b) {
        long lo = Long.compareUnsigned(a, b) < 0 ? a : b;
        long hi = lo == a ? b : a;
        byte[] salt = ByteBuffer.allocate(16).putLong(lo).putLong(hi).array();
        return Hkdf.extract(salt, psk.material());
    }

    /**
     * Returns the keys for packets this endpoint sends (local to peer), generation 0.
     *
     * @return the sending keys
     */
    public TrafficKeys sending() {
        return sending;
    }

    /**
     * Returns the keys for packets this endpoint receives (peer to local), generation 0.
     *
     * @return the receiving keys
     */
    public TrafficKeys receiving() {
        return receiving;
    }

    /**
     * Returns the AEAD algorithm of the session.
     *
     * @return the algorithm
     */
    public AeadAlgorithm algorithm() {
        return algorithm;
    }

    /**
     * Returns this endpoint's session id.
     *
     * @return the id
     */
    public long localSessionId() {
        return localSessionId;
    }

    /**
     * Returns the peer's session id.
     *
     * @return the id
     */
    public long peerSessionId() {
        return peerSessionId;
    }

    /**
     * Describes the session without revealing keys.
     *
     * @return algorithm and session ids
     */
    @Override
    public String toString() {
        return "SessionKeys[" + algorithm + ", local " + Long.toHexString(localSessionId)
                + ", peer " + Long.toHexString(peerSessionId) + "]";
    }

    private static TrafficKeys trafficKeys(byte[] prk, AeadAlgorithm algorithm, long sender, long receiver) {
        byte[] info = ByteBuffer.allocate(TRAFFIC_LABEL.length + 1 + 16)
                .put(TRAFFIC_LABEL)
                .put((byte) algorithm.id())
                .putLong(sender)
                .putLong(receiver)
                .array();
        byte[] secret = Hkdf.expand(prk, info, Hkdf.HASH_LENGTH);
        try {
            return TrafficKeys.fromSecret(algorithm, secret);
        } finally {
            Arrays.fill(secret, (byte) 0);
        }
    }
}
