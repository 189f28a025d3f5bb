package io.github.udpkit.core.protocol;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.function.Consumer;
import javax.crypto.Mac;
import javax.crypto.ShortBufferException;
import javax.crypto.spec.SecretKeySpec;

/**
 * The stateless cookies of address validation (DTLS's HelloVerifyRequest cookie, QUIC's Retry
 * token): a server answers a datagram from an unknown address with a cookie that only it can make
 * and that names the address, and keeps state for the address only once a datagram echoes it.
 *
 * <p>A cookie is {@value #TOKEN_LENGTH} bytes: the low byte of its time bucket, then the first
 * {@value #MAC_LENGTH} bytes of HMAC-SHA256(secret of the bucket, input), where the input is
 * <pre>
 *   address length (1 byte: 4 or 16) || address || port (2 bytes) || client session (8) || bucket (8)
 * </pre>
 * all big-endian, the bucket being {@code floor(now / }{@value #BUCKET_SECONDS}{@code  s)} of the
 * engine's clock. The secret is 32 random bytes, replaced by a fresh one in every bucket; a cookie
 * of the current or the previous bucket is accepted, so a cookie lives 10 to 20 seconds. Binding
 * the client's session means a cookie cannot be reused for another conversation, and the address,
 * that it proves the client receives there.
 *
 * <p>Not thread-safe: one per engine, used on its thread. It holds two secrets and two
 * {@link Mac}s, whatever the number of addresses: a flood of cookies costs no memory. The DTLS
 * layer's HelloVerifyRequest cookies are made by the same class, with the client's random in place
 * of the session.
 *
 * @since 0.1.0
 */
public final class AddressValidator {
    static final int BUCKET_SECONDS = 10;
    static final long BUCKET_NANOS = BUCKET_SECONDS * 1_000_000_000L;
    static final int MAC_LENGTH = 16;
    /** The length of a cookie in bytes. */
    public static final int TOKEN_LENGTH = 1 + MAC_LENGTH;
    private static final int SECRET_LENGTH = 32;
    private static final String ALGORITHM = "HmacSHA256";

    private final Consumer<byte[]> secrets;
    private Mac current;
    private Mac previous;
    private boolean previousValid;
    private long currentBucket;
    private boolean started;
    private final byte[] input = new byte[1 + 16 + 2 + 8 + 8];
    private final ByteBuffer inputBuffer = ByteBuffer.wrap(input);
    private final byte[] digest = new byte[32];
    private final byte[] presented = new byte[MAC_LENGTH];
    private final byte[] expected = new byte[MAC_LENGTH];

    /**
     * @param secrets fills an array with fresh random bytes: a {@code SecureRandom}, or a seeded
     *     generator in simulations
     */
    public AddressValidator(Consumer<byte[]> secrets) {
        this.secrets = secrets;
        try {
            this.current = Mac.getInstance(ALGORITHM);
            this.previous = Mac.getInstance(ALGORITHM);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK lacks " + ALGORITHM + ", which every Java SE platform must have", e);
        }
    }

    static long bucketOf(long now) {
        return Math.floorDiv(now, BUCKET_NANOS);
    }

    /**
     * Writes the cookie for a client at the current time.
     *
     * @param address the client's address and port
     * @param session the client's session id, from the header of its datagram
     * @param now the engine's time
     * @param out where to write {@value #TOKEN_LENGTH} bytes
     * @param offset where in {@code out}
     */
    public void token(InetSocketAddress address, long session, long now, byte[] out, int offset) {
        rotate(now);
        out[offset] = (byte) currentBucket;
        mac(current, address, session, currentBucket);
        System.arraycopy(digest, 0, out, offset + 1, MAC_LENGTH);
    }

    /**
     * Whether a token is a cookie this validator made, in the current or previous bucket, for this
     * address and session. Never throws for any bytes.
     *
     * @param address the sender of the datagram carrying the token
     * @param session the sender's session id, from that datagram's header
     * @param buffer holds the token
     * @param offset where it starts (absolute index)
     * @param length its length
     * @param now the engine's time
     * @return true if valid
     */
    public boolean isValid(InetSocketAddress address, long session, ByteBuffer buffer, int offset, int length, long now) {
        rotate(now);
        if (length != TOKEN_LENGTH) {
            return false;
        }
        byte tag = buffer.get(offset);
        Mac mac;
        long bucket;
        if (tag == (byte) currentBucket) {
            mac = current;
            bucket = currentBucket;
        } else if (previousValid && tag == (byte) (currentBucket - 1)) {
            mac = previous;
            bucket = currentBucket - 1;
        } else {
            return false;
        }
        buffer.get(offset + 1, presented, 0, MAC_LENGTH);
        mac(mac, address, session, bucket);
        System.arraycopy(digest, 0, expected, 0, MAC_LENGTH);
        return MessageDigest.isEqual(presented, expected); // constant time: no timing oracle on the MAC
    }

    /** Starts a new secret when a new bucket begins; the one before stays valid for one more bucket. */
    private void rotate(long now) {
        long bucket = bucketOf(now);
        if (started && bucket <= currentBucket) {
            return;
        }
        boolean adjacent = started && bucket == currentBucket + 1;
        Mac spare = previous;
        previous = current;
        current = spare;
        previousValid = adjacent;
        byte[] secret = new byte[SECRET_LENGTH];
        secrets.accept(secret);
        try {
            current.init(new SecretKeySpec(secret, ALGORITHM));
        } catch (InvalidKeyException e) {
            throw new IllegalStateException("HMAC refused a " + SECRET_LENGTH + "-byte key", e);
        } finally {
            Arrays.fill(secret, (byte) 0);
        }
        currentBucket = bucket;
        started = true;
    }

    private void mac(Mac mac, InetSocketAddress address, long session, long bucket) {
        byte[] ip = address.getAddress().getAddress();
        ByteBuffer in = inputBuffer.clear();
        in.put((byte) ip.length).put(ip).putShort((short) address.getPort()).putLong(session).putLong(bucket);
        mac.update(input, 0, in.position());
        try {
            mac.doFinal(digest, 0);
        } catch (ShortBufferException e) {
            throw new IllegalStateException("HMAC-SHA256 output is 32 bytes", e);
        }
    }
}
