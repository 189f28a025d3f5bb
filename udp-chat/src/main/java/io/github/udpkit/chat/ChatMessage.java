package io.github.udpkit.chat;

import io.github.udpkit.core.security.PublicIdentity;
import java.time.Instant;
import java.util.Objects;

/**
 * A chat message as a client receives it: who said it, where, when the server received it, and
 * whether it was meant for this member alone. The name and time come from the server, never from
 * the sender.
 *
 * @param room the room it was said in
 * @param sender the sender's name, from the sender's session on the server
 * @param serverTime when the server received it
 * @param text the message
 * @param isPrivate whether it was sent to this member alone
 * @param signer the key that signed it, which the client verified; {@code null} for a message from a
 *     member without an identity
 * @since 0.1.0
 */
public record ChatMessage(String room, String sender, Instant serverTime, String text, boolean isPrivate,
                          PublicIdentity signer) {

    /** Checks that no component is {@code null}. */
    public ChatMessage {
        Objects.requireNonNull(room, "room");
        Objects.requireNonNull(sender, "sender");
        Objects.requireNonNull(serverTime, "serverTime");
        Objects.requireNonNull(text, "text");
    }

    /**
     * An unsigned message.
     *
     * @param room the room
     * @param sender the sender's name
     * @param serverTime when the server received it
     * @param text the message
     * @param isPrivate whether it was sent to this member alone
     */
    public ChatMessage(String room, String sender, Instant serverTime, String text, boolean isPrivate) {
        this(room, sender, serverTime, text, isPrivate, null);
    }

    /**
     * Whether the message was signed by its author and verified by this client.
     *
     * @return true if {@link #signer()} is set
     */
    public boolean isSigned() {
        return signer != null;
    }

    static ChatMessage of(ChatFrame.Message m, PublicIdentity verifiedSigner) {
        return new ChatMessage(m.room(), m.from(), Instant.ofEpochMilli(m.serverTimeMillis()), m.text(), m.isPrivate(),
                verifiedSigner);
    }

    static ChatMessage of(String room, ChatFrame.HistoryEntry e, PublicIdentity verifiedSigner) {
        return new ChatMessage(room, e.from(), Instant.ofEpochMilli(e.serverTimeMillis()), e.text(), false,
                verifiedSigner);
    }
}
