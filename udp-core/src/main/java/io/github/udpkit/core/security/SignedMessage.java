package io.github.udpkit.core.security;

import static com.google.common.base.Preconditions.checkArgument;

import io.github.udpkit.api.CodecException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * The signed-message format of docs/PROTOCOL.md section 14: a payload with its signer's name,
 * public key, sequence number and Ed25519 signature, as bytes any language can check.
 *
 * <pre>
 *   f5 73 | 01 | name length (u8, 0..64) | name (UTF-8) | public key (32) | sequence (u64) | signature (64) | payload
 * </pre>
 *
 * <p>The signature covers {@link #toBeSigned}: a protocol label, the application's context (a
 * room, a topic), the name, the key, the sequence number and the payload, each with its length
 * where it has one, so a signature cannot be moved to another context, name or sequence number.
 * A decoded message is a value; {@link SignatureVerifier} decides whether to believe it.
 *
 * @param name the signer's name, possibly empty (a key-only signer)
 * @param signer the signer's public key
 * @param sequence the signer's sequence number, not negative
 * @param signature the 64-byte signature
 * @param payload the signed payload
 * @since 0.1.0
 */
public record SignedMessage(String name, PublicIdentity signer, long sequence, byte[] signature, byte[] payload) {

    /** The first two bytes of a signed message. */
    public static final int MAGIC = 0xf573;
    /** The format's version byte. */
    public static final int VERSION = 1;
    /** The most UTF-8 bytes a signer's name may have. */
    public static final int MAX_NAME_BYTES = 64;
    /** The most UTF-8 bytes a context may have. */
    public static final int MAX_CONTEXT_BYTES = 255;
    /** The bytes a signed message adds to its payload, besides the name. */
    public static final int OVERHEAD = 2 + 1 + 1 + Ed25519.KEY_LENGTH + 8 + Ed25519.SIGNATURE_LENGTH;
    /** The label that starts every signed byte string, NUL-terminated. */
    static final byte[] LABEL = "udpkit signed message v1\0".getBytes(StandardCharsets.US_ASCII);

    /** Checks the fields; the arrays are kept as given. */
    public SignedMessage {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(signer, "signer");
        Objects.requireNonNull(signature, "signature");
        Objects.requireNonNull(payload, "payload");
        checkName(name);
        checkArgument(sequence >= 0, "sequence must not be negative: %s", sequence);
        checkArgument(signature.length == Ed25519.SIGNATURE_LENGTH, "a signature must be %s bytes: %s",
                Ed25519.SIGNATURE_LENGTH, signature.length);
    }

    /**
     * Checks a signer's name: at most {@value #MAX_NAME_BYTES} bytes of UTF-8, no whitespace or
     * control characters (so it fits a known-keys file and a terminal), and not {@code *}.
     *
     * @param name the name, possibly empty
     * @return the name
     * @throws IllegalArgumentException if the name breaks a rule
     */
    public static String checkName(String name) {
        Objects.requireNonNull(name, "name");
        checkArgument(utf8(name).length <= MAX_NAME_BYTES, "a signer's name must be at most %s UTF-8 bytes: %s",
                MAX_NAME_BYTES, name);
        checkArgument(name.codePoints().noneMatch(c -> Character.isWhitespace(c) || Character.isISOControl(c)
                        || Character.getType(c) == Character.FORMAT || Character.getType(c) == Character.SURROGATE),
                "a signer's name must hold no whitespace, control or format character: '%s'", name);
        checkArgument(!name.equals("*"), "a signer's name must not be '*', which a known-keys file reserves");
        return name;
    }

    /**
     * Checks an application's context: at most {@value #MAX_CONTEXT_BYTES} bytes of UTF-8.
     *
     * @param context the context, possibly empty
     * @return the context
     * @throws IllegalArgumentException if it is too long
     */
    public static String checkContext(String context) {
        Objects.requireNonNull(context, "context");
        int length = utf8(context).length;
        checkArgument(length <= MAX_CONTEXT_BYTES, "a context must be at most %s UTF-8 bytes: %s",
                MAX_CONTEXT_BYTES, length);
        return context;
    }

    /**
     * The byte string a signature covers:
     * {@code "udpkit signed message v1" 00 | context length (u8) | context | name length (u8) | name
     * | public key (32) | sequence (u64) | payload}.
     *
     * @param context the application's context, at most {@value #MAX_CONTEXT_BYTES} UTF-8 bytes
     * @param name the signer's name, at most {@value #MAX_NAME_BYTES} UTF-8 bytes
     * @param signer the signer's key
     * @param sequence the sequence number
     * @param payload the payload
     * @return the bytes to sign or verify
     */
    public static byte[] toBeSigned(String context, String name, PublicIdentity signer, long sequence, byte[] payload) {
        byte[] c = utf8(checkContext(context));
        byte[] n = utf8(checkName(name));
        ByteBuffer out = ByteBuffer.allocate(LABEL.length + 1 + c.length + 1 + n.length + Ed25519.KEY_LENGTH + 8
                + payload.length);
        out.put(LABEL).put((byte) c.length).put(c).put((byte) n.length).put(n).put(signer.rawUnsafe())
                .putLong(sequence).put(payload);
        return out.array();
    }

    /**
     * Signs a payload and returns it as a signed message.
     *
     * @param identity who signs
     * @param context the application's context
     * @param name the name to sign as, possibly empty
     * @param sequence the sequence number
     * @param payload the payload; kept, not copied
     * @return the message
     */
    public static SignedMessage sign(Identity identity, String context, String name, long sequence, byte[] payload) {
        PublicIdentity key = identity.publicIdentity();
        return new SignedMessage(name, key, sequence, identity.sign(toBeSigned(context, name, key, sequence, payload)),
                payload);
    }

    /**
     * Encodes the message in the wire format.
     *
     * @return the bytes
     */
    public byte[] encode() {
        byte[] n = utf8(name);
        ByteBuffer out = ByteBuffer.allocate(OVERHEAD + n.length + payload.length);
        out.putShort((short) MAGIC).put((byte) VERSION).put((byte) n.length).put(n).put(signer.rawUnsafe())
                .putLong(sequence).put(signature).put(payload);
        return out.array();
    }

    /**
     * Decodes a signed message, strictly: magic, version, name length and UTF-8, and a sequence
     * number below 2^63 are checked; the signature is not (that is {@link SignatureVerifier}'s job).
     *
     * @param in the bytes, from position to limit; consumed
     * @return the message
     * @throws CodecException if the bytes are not a signed message
     */
    public static SignedMessage decode(ByteBuffer in) {
        if (in.remaining() < OVERHEAD) {
            throw new CodecException("a signed message takes at least " + OVERHEAD + " bytes: " + in.remaining());
        }
        int magic = Short.toUnsignedInt(in.getShort());
        if (magic != MAGIC) {
            throw new CodecException("not a signed message: magic 0x" + Integer.toHexString(magic));
        }
        int version = Byte.toUnsignedInt(in.get());
        if (version != VERSION) {
            throw new CodecException("unsupported signed-message version " + version);
        }
        int nameLength = Byte.toUnsignedInt(in.get());
        if (nameLength > MAX_NAME_BYTES || in.remaining() < nameLength + OVERHEAD - 4) {
            throw new CodecException("signed message has a bad name length " + nameLength + " for its " + in.remaining()
                    + " remaining bytes");
        }
        byte[] nameBytes = new byte[nameLength];
        in.get(nameBytes);
        String name;
        try {
            name = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(nameBytes)).toString();
        } catch (CharacterCodingException e) {
            throw new CodecException("signed message's name is not UTF-8", e);
        }
        try {
            checkName(name);
        } catch (IllegalArgumentException e) {
            throw new CodecException(e.getMessage(), e);
        }
        byte[] key = new byte[Ed25519.KEY_LENGTH];
        in.get(key);
        long sequence = in.getLong();
        if (sequence < 0) {
            throw new CodecException("signed message's sequence number is above 2^63: " + Long.toUnsignedString(sequence));
        }
        byte[] signature = new byte[Ed25519.SIGNATURE_LENGTH];
        in.get(signature);
        byte[] payload = new byte[in.remaining()];
        in.get(payload);
        return new SignedMessage(name, PublicIdentity.of(key), sequence, signature, payload);
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SignedMessage m && name.equals(m.name) && signer.equals(m.signer) && sequence == m.sequence
                && java.util.Arrays.equals(signature, m.signature) && java.util.Arrays.equals(payload, m.payload);
    }

    @Override
    public int hashCode() {
        return Objects.hash(name, signer, sequence, java.util.Arrays.hashCode(signature), java.util.Arrays.hashCode(payload));
    }

    @Override
    public String toString() {
        return "SignedMessage[name=" + name + ", signer=" + signer + ", sequence=" + sequence + ", "
                + payload.length + " bytes]";
    }
}
