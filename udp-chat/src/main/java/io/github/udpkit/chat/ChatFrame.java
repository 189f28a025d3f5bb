package io.github.udpkit.chat;

import static com.google.common.base.Preconditions.checkArgument;

import java.util.List;
import java.util.Objects;

/**
 * One message of the chat protocol, as {@link ChatCodec} puts it on the wire: the requests a client
 * sends ({@link Join}, {@link Say}, {@link Private}, {@link Who}, {@link Leave}, {@link SwitchRoom},
 * {@link Ping}) and what the server sends back ({@link Joined}, {@link Rejected}, {@link Message},
 * {@link Members}, {@link MemberJoined}, {@link MemberLeft}, {@link Notice}, {@link Bye}).
 *
 * <p>Frames are immutable values; their lists are unmodifiable copies. Their constructors check
 * only what no frame may hold ({@code null}, negative numbers); the lengths the wire format bounds
 * are checked by the codec, and the content rules (names, text) by {@link ChatText} where a frame
 * is accepted.
 *
 * @since 0.1.0
 */
public sealed interface ChatFrame {

    /**
     * Asks to join a room under a name: the first frame a client sends.
     *
     * @param name the name to be known by in the room
     * @param room the room, or the empty string for the server's default room
     * @param signature the joiner's signature, which binds the name to its key; {@code null} for
     *     a member without an identity
     */
    record Join(String name, String room, ChatSignature signature) implements ChatFrame {
        /** Checks that the fields are present. */
        public Join {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(room, "room");
        }

        /**
         * An unsigned JOIN.
         *
         * @param name the name
         * @param room the room, or empty for the default
         */
        public Join(String name, String room) {
            this(name, room, null);
        }
    }

    /**
     * A message for everyone else in the sender's room. It carries no name and no time: the server
     * stamps both.
     *
     * @param text the message
     * @param signature the author's signature, or {@code null} for a member without an identity
     */
    record Say(String text, ChatSignature signature) implements ChatFrame {
        /** Checks that the text is present. */
        public Say {
            Objects.requireNonNull(text, "text");
        }

        /**
         * An unsigned message.
         *
         * @param text the message
         */
        public Say(String text) {
            this(text, null);
        }
    }

    /**
     * A message for one member of the sender's room.
     *
     * @param to the recipient's name, matched as names are compared
     * @param text the message
     * @param signature the author's signature, or {@code null} for a member without an identity
     */
    record Private(String to, String text, ChatSignature signature) implements ChatFrame {
        /** Checks that the fields are present. */
        public Private {
            Objects.requireNonNull(to, "to");
            Objects.requireNonNull(text, "text");
        }

        /**
         * An unsigned private message.
         *
         * @param to the recipient's name
         * @param text the message
         */
        public Private(String to, String text) {
            this(to, text, null);
        }
    }

    /** Asks for the members of the sender's room; answered by {@link Members}. */
    record Who() implements ChatFrame {
    }

    /** Leaves the room and the server. */
    record Leave() implements ChatFrame {
    }

    /**
     * Moves the member to another room under the same name; answered by {@link Joined}, or by
     * {@link Rejected} with the member left where it was.
     *
     * @param room the room to move to
     */
    record SwitchRoom(String room) implements ChatFrame {
        /** Checks that the room is present. */
        public SwitchRoom {
            Objects.requireNonNull(room, "room");
        }
    }

    /** Tells the server the member is still there when it has had nothing else to say. */
    record Ping() implements ChatFrame {
    }

    /**
     * A line of a room's history, as {@link Joined} carries it.
     *
     * @param from the sender's name
     * @param serverTimeMillis when the server received it, in milliseconds since the epoch
     * @param text the message
     * @param signature the author's signature, relayed untouched; {@code null} if it was unsigned
     */
    record HistoryEntry(String from, long serverTimeMillis, String text, ChatSignature signature) {
        /** Checks the fields. */
        public HistoryEntry {
            Objects.requireNonNull(from, "from");
            Objects.requireNonNull(text, "text");
            checkArgument(serverTimeMillis >= 0, "serverTimeMillis must not be negative: %s", serverTimeMillis);
        }

        /**
         * An unsigned line of history.
         *
         * @param from the sender's name
         * @param serverTimeMillis when the server received it
         * @param text the message
         */
        public HistoryEntry(String from, long serverTimeMillis, String text) {
            this(from, serverTimeMillis, text, null);
        }
    }

    /**
     * The server's answer to a successful {@link Join} or {@link SwitchRoom}: who is in the room, what
     * was said last, and the server's limits so the client can keep within them.
     *
     * @param room the room's name as the server shows it
     * @param name the member's name
     * @param idleTimeoutMillis after how long without a frame the server drops a member
     * @param rateBurst how many requests a member may send at once
     * @param rateRefillMillis how often one more request is allowed after a burst
     * @param members the room's members in join order, the joiner last
     * @param history the room's last messages, oldest first
     */
    record Joined(String room, String name, long idleTimeoutMillis, int rateBurst, long rateRefillMillis,
                  List<String> members, List<HistoryEntry> history) implements ChatFrame {
        /** Checks the fields and copies the lists. */
        public Joined {
            Objects.requireNonNull(room, "room");
            Objects.requireNonNull(name, "name");
            checkArgument(idleTimeoutMillis > 0, "idleTimeoutMillis must be positive: %s", idleTimeoutMillis);
            checkArgument(rateBurst > 0, "rateBurst must be positive: %s", rateBurst);
            checkArgument(rateRefillMillis > 0, "rateRefillMillis must be positive: %s", rateRefillMillis);
            members = List.copyOf(members);
            history = List.copyOf(history);
        }
    }

    /**
     * A {@link Join} or {@link SwitchRoom} was refused.
     *
     * @param reason why
     * @param text a human explanation; empty when the reply had to stay small (see {@link ChatServerCore})
     */
    record Rejected(ChatReason reason, String text) implements ChatFrame {
        /** Checks that the fields are present. */
        public Rejected {
            Objects.requireNonNull(reason, "reason");
            Objects.requireNonNull(text, "text");
        }

        /**
         * The text to show: the frame's own, or the reason's standard text when it has none.
         *
         * @return the explanation
         */
        public String explanation() {
            return text.isEmpty() ? reason.standardText() : text;
        }
    }

    /**
     * A message as the server relays it, stamped with the sender's name and the server's time.
     *
     * @param room the room it was said in
     * @param from the sender's name, from the sender's session
     * @param serverTimeMillis when the server received it, in milliseconds since the epoch
     * @param text the message
     * @param isPrivate whether it was sent to this member alone
     * @param signature the author's signature, relayed untouched; {@code null} if it was unsigned
     */
    record Message(String room, String from, long serverTimeMillis, String text, boolean isPrivate,
                   ChatSignature signature) implements ChatFrame {
        /** Checks the fields. */
        public Message {
            Objects.requireNonNull(room, "room");
            Objects.requireNonNull(from, "from");
            Objects.requireNonNull(text, "text");
            checkArgument(serverTimeMillis >= 0, "serverTimeMillis must not be negative: %s", serverTimeMillis);
        }

        /**
         * An unsigned message.
         *
         * @param room the room
         * @param from the sender's name
         * @param serverTimeMillis when the server received it
         * @param text the message
         * @param isPrivate whether it was sent to this member alone
         */
        public Message(String room, String from, long serverTimeMillis, String text, boolean isPrivate) {
            this(room, from, serverTimeMillis, text, isPrivate, null);
        }
    }

    /**
     * The answer to {@link Who}.
     *
     * @param room the room
     * @param names its members in join order
     */
    record Members(String room, List<String> names) implements ChatFrame {
        /** Checks the room and copies the list. */
        public Members {
            Objects.requireNonNull(room, "room");
            names = List.copyOf(names);
        }
    }

    /**
     * Someone joined the room.
     *
     * @param room the room
     * @param name the new member
     */
    record MemberJoined(String room, String name) implements ChatFrame {
        /** Checks that the fields are present. */
        public MemberJoined {
            Objects.requireNonNull(room, "room");
            Objects.requireNonNull(name, "name");
        }
    }

    /**
     * Someone left the room.
     *
     * @param room the room
     * @param name the member who left
     * @param reason why
     */
    record MemberLeft(String room, String name, LeaveReason reason) implements ChatFrame {
        /** Checks that the fields are present. */
        public MemberLeft {
            Objects.requireNonNull(room, "room");
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(reason, "reason");
        }
    }

    /**
     * Something the member should know about a request that was not carried out (rate limited, no
     * such member, invalid text); the member stays in its room.
     *
     * @param reason why
     * @param text a human explanation, never empty from a conforming server
     */
    record Notice(ChatReason reason, String text) implements ChatFrame {
        /** Checks that the fields are present. */
        public Notice {
            Objects.requireNonNull(reason, "reason");
            Objects.requireNonNull(text, "text");
        }

        /**
         * The text to show: the frame's own, or the reason's standard text when it has none.
         *
         * @return the explanation
         */
        public String explanation() {
            return text.isEmpty() ? reason.standardText() : text;
        }
    }

    /**
     * The server has dropped this member, or is closing.
     *
     * @param reason why
     */
    record Bye(LeaveReason reason) implements ChatFrame {
        /** Checks that the reason is present. */
        public Bye {
            Objects.requireNonNull(reason, "reason");
        }
    }
}
