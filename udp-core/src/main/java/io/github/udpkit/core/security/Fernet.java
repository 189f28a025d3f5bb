package io.github.udpkit.core.security;

import static com.google.common.base.Preconditions.checkArgument;

import io.github.udpkit.api.Codec;
import io.github.udpkit.api.CodecException;
import io.github.udpkit.api.Codecs;
import io.github.udpkit.api.Endpoint;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.Base64;
import java.util.Objects;
import java.util.function.Consumer;
import javax.crypto.BadPaddingException;
import javax.crypto.Cipher;
import javax.crypto.IllegalBlockSizeException;
import javax.crypto.Mac;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Fernet tokens (the format of Python's {@code cryptography.fernet}), so a Java endpoint can
 * exchange encrypted messages with Python peers in {@code RAW} mode.
 *
 * <p>A Fernet key is 32 bytes in URL-safe base64, as Python's {@code Fernet.generate_key()}
 * writes it: the first 16 bytes sign (HMAC-SHA256), the last 16 encrypt (AES-128-CBC). A token is
 * the URL-safe base64 (padded) of
 * <pre>
 *   0x80 | timestamp (8 bytes, big-endian seconds since the epoch) | IV (16 bytes)
 *        | AES-128-CBC ciphertext of the PKCS#7-padded message | HMAC-SHA256 of all before it
 * </pre>
 *
 * <p>Decryption verifies the HMAC (in constant time) before it decrypts anything, and fails with
 * a {@link CodecException} for any token that is malformed, too long, signed with another key,
 * badly padded, or outside its time-to-live. As in Python, time is checked only when a TTL is
 * given: then a token older than the TTL ({@code timestamp + ttl < now}) or more than
 * {@value #MAX_CLOCK_SKEW_SECONDS} seconds in the future is rejected.
 *
 * <p>Thread-safe; each call uses its own JCA objects. The clock and the IV source are seams for
 * tests; the defaults are the system clock and a {@link SecureRandom}.
 *
 * @since 0.1.0
 */
public final class Fernet {
    /** How far in the future a token's timestamp may be when a TTL is checked, as in Python. */
    public static final long MAX_CLOCK_SKEW_SECONDS = 60;

    /** The default bound on token length, in characters: the largest UDP payload. */
    public static final int DEFAULT_MAX_TOKEN_LENGTH = Endpoint.MAX_DATAGRAM_PAYLOAD;

    private static final byte VERSION = (byte) 0x80;
    private static final int TIMESTAMP_LENGTH = 8;
    private static final int IV_LENGTH = 16;
    private static final int BLOCK = 16;
    private static final int HMAC_LENGTH = 32;
    private static final int HEADER_LENGTH = 1 + TIMESTAMP_LENGTH + IV_LENGTH;
    /** Version, timestamp, IV, one cipher block (an empty message pads to one) and the HMAC. */
    private static final int MIN_RAW_LENGTH = HEADER_LENGTH + BLOCK + HMAC_LENGTH;
    private static final int MIN_TOKEN_LENGTH = (MIN_RAW_LENGTH + 2) / 3 * 4;

    private final SecretKeySpec signingKey;
    private final SecretKeySpec encryptionKey;
    private final Clock clock;
    private final Consumer<byte[]> ivSource;
    private final int maxTokenLength;

    private Fernet(Builder b) {
        this.signingKey = new SecretKeySpec(b.key, 0, 16, "HmacSHA256");
        this.encryptionKey = new SecretKeySpec(b.key, 16, 16, "AES");
        Arrays.fill(b.key, (byte) 0);
        this.clock = b.clock;
        this.ivSource = b.ivSource;
        this.maxTokenLength = b.maxTokenLength;
    }

    /**
     * Creates a Fernet with the system clock and a secure random IV source.
     *
     * @param key the Fernet key: 32 bytes in URL-safe base64, as Python writes it
     * @return the Fernet
     * @throws IllegalArgumentException if the key is not base64 of 32 bytes (the message does not
     *     quote the key)
     */
    public static Fernet create(String key) {
        return builder(key).build();
    }

    /**
     * Reads a Fernet key file (the key's base64 text; whitespace ignored) and creates a Fernet.
     *
     * @param keyFile the file
     * @return the Fernet
     * @throws IllegalArgumentException naming the file if it is missing, unreadable or not a key
     */
    public static Fernet fromKeyFile(Path keyFile) {
        byte[] content = SecretFiles.read(keyFile, "Fernet key file");
        try {
            return new Builder(Key.decode(new String(content, StandardCharsets.US_ASCII),
                    "Fernet key file " + keyFile)).build();
        } finally {
            Arrays.fill(content, (byte) 0);
        }
    }

    /**
     * Starts a Fernet with settings other than the defaults.
     *
     * @param key the Fernet key: 32 bytes in URL-safe base64
     * @return the builder
     */
    public static Builder builder(String key) {
        Objects.requireNonNull(key, "key");
        return new Builder(Key.decode(key, "Fernet key"));
    }

    /**
     * Generates a new Fernet key, in the form Python's {@code Fernet.generate_key()} returns.
     *
     * @return 44 characters of URL-safe base64; a secret
     */
    public static String generateKey() {
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        return Base64.getUrlEncoder().encodeToString(key);
    }

    /**
     * Returns a codec whose encoded form is a Fernet token of the bytes, with no TTL.
     *
     * @param key the Fernet key
     * @return the codec
     */
    public static Codec<byte[]> codec(String key) {
        return create(key).asCodec();
    }

    /**
     * Returns a codec whose encoded form is a Fernet token of the UTF-8 text, with no TTL.
     *
     * @param key the Fernet key
     * @return the codec
     */
    public static Codec<String> utf8Codec(String key) {
        return create(key).asUtf8Codec();
    }

    /**
     * Encrypts a message into a token, stamped with the clock's current second.
     *
     * @param message the message
     * @return the token, URL-safe base64 with padding
     */
    public String encrypt(byte[] message) {
        return new String(encryptToAscii(message), StandardCharsets.US_ASCII);
    }

    /**
     * Encrypts a message into a token's ASCII bytes, the form sent in a datagram.
     *
     * @param message the message
     * @return the token's bytes
     */
    public byte[] encryptToAscii(byte[] message) {
        Objects.requireNonNull(message, "message");
        byte[] iv = new byte[IV_LENGTH];
        ivSource.accept(iv);
        long timestamp = clock.instant().getEpochSecond();
        try {
            Cipher cipher = Cipher.getInstance("AES/CBC/PKCS5Padding");
            cipher.init(Cipher.ENCRYPT_MODE, encryptionKey, new IvParameterSpec(iv));
            int ciphertextLength = cipher.getOutputSize(message.length);
            byte[] raw = new byte[HEADER_LENGTH + ciphertextLength + HMAC_LENGTH];
            ByteBuffer.wrap(raw).put(VERSION).putLong(timestamp).put(iv);
            int n = cipher.doFinal(message, 0, message.length, raw, HEADER_LENGTH);
            Mac mac = newMac();
            mac.update(raw, 0, HEADER_LENGTH + n);
            mac.doFinal(raw, HEADER_LENGTH + n);
            return Base64.getUrlEncoder().encode(raw);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-128-CBC or HMAC-SHA256 failed while encrypting", e);
        }
    }

    /**
     * Decrypts a token without a time-to-live.
     *
     * @param token the token
     * @return the message
     * @throws CodecException if the token is invalid
     */
    public byte[] decrypt(String token) {
        return decrypt(token, null);
    }

    /**
     * Decrypts a token, rejecting it if it is older than {@code ttl} or too far in the future.
     *
     * @param token the token
     * @param ttl the time-to-live, whole seconds counted as Python does; {@code null} for none
     * @return the message
     * @throws CodecException if the token is invalid or out of its time
     */
    public byte[] decrypt(String token, Duration ttl) {
        Objects.requireNonNull(token, "token");
        if (token.length() > maxTokenLength) {
            throw new CodecException("Fernet token too long: " + token.length() + " characters, at most "
                    + maxTokenLength);
        }
        return decrypt(ByteBuffer.wrap(token.getBytes(StandardCharsets.US_ASCII)), ttl);
    }

    /**
     * Decrypts a token given as ASCII bytes, from position to limit (trailing ASCII whitespace,
     * such as a newline, is ignored), rejecting it if it is older than {@code ttl} or too far in the
     * future. The buffer's position is moved to its limit.
     *
     * @param token the token's bytes
     * @param ttl the time-to-live, whole seconds; {@code null} for none
     * @return the message
     * @throws CodecException if the token is invalid or out of its time
     */
    public byte[] decrypt(ByteBuffer token, Duration ttl) {
        checkArgument(ttl == null || !ttl.isNegative(), "ttl must not be negative: %s", ttl);
        int length = token.remaining();
        if (length > maxTokenLength) {
            token.position(token.limit());
            throw new CodecException("Fernet token too long: " + length + " bytes, at most " + maxTokenLength);
        }
        byte[] text = new byte[length];
        token.get(text);
        while (length > 0 && isAsciiWhitespace(text[length - 1])) {
            length--;
        }
        if (length < MIN_TOKEN_LENGTH) {
            throw new CodecException("Fernet token too short: " + length + " characters, at least "
                    + MIN_TOKEN_LENGTH);
        }
        byte[] raw;
        try {
            raw = Base64.getUrlDecoder().decode(length == text.length ? text : Arrays.copyOf(text, length));
        } catch (IllegalArgumentException e) {
            throw new CodecException("Fernet token is not URL-safe base64: " + e.getMessage(), e);
        }
        return open(raw, ttl);
    }

    /**
     * Returns a codec over this Fernet's tokens (as ASCII bytes), with no TTL.
     *
     * @return the codec; its decode throws {@link CodecException} for any invalid token
     */
    public Codec<byte[]> asCodec() {
        return bytesCodec(null);
    }

    /**
     * Returns a codec over this Fernet's tokens (as ASCII bytes) whose decoding checks a TTL.
     *
     * @param ttl the time-to-live
     * @return the codec; its decode throws {@link CodecException} for any invalid or expired token
     */
    public Codec<byte[]> asCodec(Duration ttl) {
        return bytesCodec(checkTtl(ttl));
    }

    /**
     * Returns a codec of UTF-8 text inside this Fernet's tokens (what a Python peer sends with
     * {@code f.encrypt(text.encode())}), with no TTL; text that is not valid UTF-8 fails to decode.
     *
     * @return the codec
     */
    public Codec<String> asUtf8Codec() {
        return utf8Codec(bytesCodec(null));
    }

    /**
     * Returns a codec of UTF-8 text inside this Fernet's tokens whose decoding checks a TTL.
     *
     * @param ttl the time-to-live
     * @return the codec
     */
    public Codec<String> asUtf8Codec(Duration ttl) {
        return utf8Codec(bytesCodec(checkTtl(ttl)));
    }

    private Codec<byte[]> bytesCodec(Duration ttl) {
        return new Codec<>() {
            @Override
            public byte[] encode(byte[] value) {
                return encryptToAscii(value);
            }

            @Override
            public byte[] decode(ByteBuffer bytes) {
                return decrypt(bytes, ttl);
            }

            @Override
            public String toString() {
                return "Fernet codec" + (ttl == null ? "" : " (ttl " + ttl + ")");
            }
        };
    }

    private static Codec<String> utf8Codec(Codec<byte[]> tokens) {
        Codec<String> utf8 = Codecs.utf8();
        return new Codec<>() {
            @Override
            public byte[] encode(String value) {
                return tokens.encode(utf8.encode(value));
            }

            @Override
            public String decode(ByteBuffer bytes) {
                return utf8.decode(tokens.decode(bytes));
            }

            @Override
            public String toString() {
                return "Fernet UTF-8 codec, " + tokens;
            }
        };
    }

    private static Duration checkTtl(Duration ttl) {
        Objects.requireNonNull(ttl, "ttl");
        checkArgument(!ttl.isNegative(), "ttl must not be negative: %s", ttl);
        return ttl;
    }

    /**
     * Describes the Fernet without revealing its key.
     *
     * @return a description
     */
    @Override
    public String toString() {
        return "Fernet[max token " + maxTokenLength + " characters]";
    }

    private byte[] open(byte[] raw, Duration ttl) {
        if (raw.length < MIN_RAW_LENGTH || raw[0] != VERSION || (raw.length - HEADER_LENGTH - HMAC_LENGTH) % BLOCK != 0) {
            throw new CodecException("not a Fernet token: wrong version or length (" + raw.length + " bytes)");
        }
        int signedLength = raw.length - HMAC_LENGTH;
        byte[] expected;
        try {
            Mac mac = newMac();
            mac.update(raw, 0, signedLength);
            expected = mac.doFinal();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HMAC-SHA256 failed", e);
        }
        if (!MessageDigest.isEqual(expected, Arrays.copyOfRange(raw, signedLength, raw.length))) {
            throw new CodecException("Fernet token signature does not match: tampered, or another key");
        }
        long timestamp = ByteBuffer.wrap(raw, 1, TIMESTAMP_LENGTH).getLong();
        if (ttl != null) {
            checkTime(timestamp, ttl.getSeconds());
        }
        try {
            Cipher cipher = Cipher.getInstance("AES/CBC/PKCS5Padding");
            cipher.init(Cipher.DECRYPT_MODE, encryptionKey, new IvParameterSpec(raw, 1 + TIMESTAMP_LENGTH, IV_LENGTH));
            return cipher.doFinal(raw, HEADER_LENGTH, signedLength - HEADER_LENGTH);
        } catch (BadPaddingException | IllegalBlockSizeException e) {
            throw new CodecException("Fernet token has bad padding", e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-128-CBC failed while decrypting", e);
        }
    }

    private void checkTime(long timestamp, long ttlSeconds) {
        long now = clock.instant().getEpochSecond();
        // The timestamp is unsigned on the wire; a "negative" one is beyond any clock's future.
        if (timestamp < 0 || timestamp - now > MAX_CLOCK_SKEW_SECONDS) {
            throw new CodecException("Fernet token is from the future: timestamp " + Long.toUnsignedString(timestamp)
                    + ", now " + now);
        }
        if (now - timestamp > ttlSeconds) {
            throw new CodecException("Fernet token has expired: timestamp " + timestamp + " + ttl " + ttlSeconds
                    + " s < now " + now);
        }
    }

    private Mac newMac() throws GeneralSecurityException {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(signingKey);
        return mac;
    }

    private static boolean isAsciiWhitespace(byte b) {
        return b == ' ' || b == '\n' || b == '\r' || b == '\t';
    }

    /**
     * Settings of a {@link Fernet}: the seams for time and IVs, and the token length bound.
     *
     * @since 0.1.0
     */
    public static final class Builder {
        private final byte[] key;
        private Clock clock = Clock.systemUTC();
        private Consumer<byte[]> ivSource = new SecureRandom()::nextBytes;
        private int maxTokenLength = DEFAULT_MAX_TOKEN_LENGTH;

        private Builder(byte[] key) {
            this.key = key;
        }

        /**
         * Sets the clock that stamps tokens and checks TTLs.
         *
         * @param clock the clock; its seconds since the epoch are used
         * @return this builder
         */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /**
         * Sets where IVs come from. It must fill the array with unpredictable bytes; only tests
         * have reason to change it.
         *
         * @param ivSource fills a 16-byte array, as {@code SecureRandom::nextBytes} does
         * @return this builder
         */
        public Builder ivSource(Consumer<byte[]> ivSource) {
            this.ivSource = Objects.requireNonNull(ivSource, "ivSource");
            return this;
        }

        /**
         * Sets the longest token decryption accepts, checked before decoding.
         *
         * @param maxTokenLength in characters, from 100 (an empty message) to 16 MiB
         * @return this builder
         */
        public Builder maxTokenLength(int maxTokenLength) {
            checkArgument(maxTokenLength >= MIN_TOKEN_LENGTH && maxTokenLength <= 1 << 24,
                    "maxTokenLength must be in %s..%s: %s", MIN_TOKEN_LENGTH, 1 << 24, maxTokenLength);
            this.maxTokenLength = maxTokenLength;
            return this;
        }

        /**
         * Builds the Fernet. The builder must not be used again.
         *
         * @return the Fernet
         */
        public Fernet build() {
            return new Fernet(this);
        }
    }
}
