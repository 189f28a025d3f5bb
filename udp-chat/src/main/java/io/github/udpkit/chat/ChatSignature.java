package io.github.udpkit.chat;

import static com.google.common.base.Preconditions.checkArgument;

import io.github.udpkit.core.security.Ed25519;
import io.github.udpkit.core.security.PublicIdentity;
import io.github.udpkit.core.security.SignedMessage;
import io.github.udpkit.core.security.Signer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Objects;

/**
 * A chat member's Ed25519 signature on a JOIN, a message or a private message: the member's public
 * key, its sequence number and the signature, which the server relays untouched so that every
 * client can check who wrote what (docs/PROTOCOL.md section 13.6).
 *
 * <p>What is signed is the signed-message string of docs/PROTOCOL.md section 14.2, with the room's
 * folded name as the context, the author's name as it joined, and a payload that says what kind of
 * frame it is: {@code 01} and the text for a room message, {@code 02}, the recipient's folded name
 * (a length byte first) and the text for a private one, {@code 03} for a JOIN. So a signature
 * cannot be moved to another room, author, recipient or kind, and the sequence number stops
 * replays. Immutable.
 *
 * @since 0.1.0
 */
public final class ChatSignature {

    /** The bytes a signature takes on the wire: key, sequence number, signature. */
    public static final int LENGTH = Ed25519.KEY_LENGTH + 8 + Ed25519.SIGNATURE_LENGTH;

    static final byte KIND_SAY = 1;
    static final byte KIND_PRIVATE = 2;
    static final byte KIND_JOIN = 3;

    private final PublicIdentity key;
    private final long sequence;
    private final byte[] signature;

    /**
     * Wraps a signature.
     *
     * @param key the signer's public key
     * @param sequence its sequence number, not negative
     * @param signature the 64-byte signature; copied
     */
    public ChatSignature(PublicIdentity key, long sequence, byte[] signature) {
        this.key = Objects.requireNonNull(key, "key");
        checkArgument(sequence >= 0, "sequence must not be negative: %s", sequence);
        this.sequence = sequence;
        Objects.requireNonNull(signature, "signature");
        checkArgument(signature.length == Ed25519.SIGNATURE_LENGTH, "a signature must be %s bytes: %s",
                Ed25519.SIGNATURE_LENGTH, signature.length);
        this.signature = signature.clone();
    }

    /**
     * The signer's public key.
     *
     * @return the key
     */
    public PublicIdentity key() {
        return key;
    }

    /**
     * The signer's sequence number.
     *
     * @return the number
     */
    public long sequence() {
        return sequence;
    }

    /**
     * Returns the signature.
     *
     * @return a copy of its 64 bytes
     */
    public byte[] signature() {
        return signature.clone();
    }

    byte[] signatureUnsafe() {
        return signature;
    }

    /** Signs a room message. */
    static ChatSignature say(Signer signer, String room, String text) {
        return of(signer.sign(ChatText.fold(room), sayPayload(text)));
    }

    /** Signs a private message. */
    static ChatSignature whisper(Signer signer, String room, String to, String text) {
        return of(signer.sign(ChatText.fold(room), privatePayload(to, text)));
    }

    /** Signs a JOIN, proving the joiner holds the key it claims the name with. */
    static ChatSignature join(Signer signer, String requestedRoom) {
        return of(signer.sign(ChatText.fold(requestedRoom), new byte[] {KIND_JOIN}));
    }

    /** The signed message this signature claims, for a verifier. */
    SignedMessage message(String author, byte[] payload) {
        return new SignedMessage(author, key, sequence, signature, payload);
    }

    static byte[] sayPayload(String text) {
        byte[] t = text.getBytes(StandardCharsets.UTF_8);
        byte[] p = new byte[1 + t.length];
        p[0] = KIND_SAY;
        System.arraycopy(t, 0, p, 1, t.length);
        return p;
    }

    static byte[] privatePayload(String to, String text) {
        byte[] r = ChatText.fold(to).getBytes(StandardCharsets.UTF_8);
        checkArgument(r.length <= 255, "recipient name of %s bytes is too long to sign", r.length);
        byte[] t = text.getBytes(StandardCharsets.UTF_8);
        byte[] p = new byte[2 + r.length + t.length];
        p[0] = KIND_PRIVATE;
        p[1] = (byte) r.length;
        System.arraycopy(r, 0, p, 2, r.length);
        System.arraycopy(t, 0, p, 2 + r.length, t.length);
        return p;
    }

    static byte[] joinPayload() {
        return new byte[] {KIND_JOIN};
    }

    private static ChatSignature of(SignedMessage m) {
        return new ChatSignature(m.signer(), m.sequence(), m.signature());
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ChatSignature s && key.equals(s.key) && sequence == s.sequence
                && Arrays.equals(signature, s.signature);
    }

    @Override
    public int hashCode() {
        return Objects.hash(key, sequence, Arrays.hashCode(signature));
    }

    @Override
    public String toString() {
        return "ChatSignature[" + key + ", sequence " + sequence + "]";
    }
}
