package io.github.udpkit.chat;

import io.github.udpkit.core.security.PublicIdentity;
import io.github.udpkit.core.security.SignatureRejectedException;
import java.util.List;

/**
 * Hears what happens in a chat client's room. Every method has a do-nothing default, so a listener
 * overrides only what it needs. Methods run on the client's I/O thread, one at a time and in the
 * order the server sent them; they must return quickly.
 *
 * @since 0.1.0
 */
public interface ChatListener {

    /**
     * The client joined a room (first, or after switching).
     *
     * @param joined the room, its members and its recent history
     */
    default void onJoined(ChatJoined joined) {
    }

    /**
     * A message arrived from another member, for the room or for this member alone.
     *
     * @param message the message, with the sender's name and the server's time
     */
    default void onMessage(ChatMessage message) {
    }

    /**
     * Someone joined the room.
     *
     * @param room the room
     * @param name their name
     */
    default void onMemberJoined(String room, String name) {
    }

    /**
     * Someone left the room.
     *
     * @param room the room
     * @param name their name
     * @param reason why: left, switched room, timed out, ...
     */
    default void onMemberLeft(String room, String name, LeaveReason reason) {
    }

    /**
     * The server refused to let the client join a room: the name is invalid or taken, the room or
     * the server is full, ... After a refused room switch the client is still in its old room.
     *
     * @param rejection why
     */
    default void onJoinRejected(ChatNotice rejection) {
    }

    /**
     * The server refused a request but the client stays in its room: rate limited, no such member,
     * invalid message.
     *
     * @param notice what the server said
     */
    default void onNotice(ChatNotice notice) {
    }

    /**
     * The members of the room, in answer to {@link ChatClient#who()}.
     *
     * @param room the room
     * @param members their names in join order
     */
    default void onMembers(String room, List<String> members) {
    }

    /**
     * The client lost the server: the server said goodbye, stopped answering, or dropped this
     * member. Nothing more will arrive.
     *
     * @param reason why
     */
    default void onDisconnected(LeaveReason reason) {
    }

    /**
     * A member's key was seen for the first time: show its fingerprint, so people can compare it.
     * It is remembered (in the known-keys file, when there is one) and held to from now on.
     *
     * @param name the member's name
     * @param key its key
     */
    default void onNewKey(String name, PublicIdentity key) {
    }

    /**
     * A name this client knows came back with another key: someone, or the server, may be trying to
     * speak in that member's name. Called once per name; the messages are refused.
     *
     * @param name the member's name
     * @param known the key the name is known by
     * @param presented the key the new message was signed with
     */
    default void onKeyChanged(String name, PublicIdentity known, PublicIdentity presented) {
    }

    /**
     * A message was refused and not shown: its signature did not verify (altered by the server, or
     * moved from another room), it was replayed, or it came unsigned under a name with a known key.
     *
     * @param sender the name it claimed
     * @param reason why it was refused
     * @param detail what happened, with the fingerprints involved
     */
    default void onMessageRefused(String sender, SignatureRejectedException.Reason reason, String detail) {
    }
}
