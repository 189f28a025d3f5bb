package io.github.udpkit.chat;

/**
 * Why the server refused a request or is telling a member something: the code of a
 * {@link ChatFrame.Rejected REJECTED} or {@link ChatFrame.Notice NOTICE} frame, with a standard text
 * a client can show when the frame's own text is empty.
 *
 * @since 0.1.0
 */
public enum ChatReason {
    /** The name is empty. */
    NAME_EMPTY(1, "the name is empty"),
    /** The name has more bytes or code points than the server allows. */
    NAME_TOO_LONG(2, "the name is too long"),
    /** The name holds a character names may not: control, format, bidirectional, whitespace, unassigned. */
    NAME_INVALID(3, "the name holds a character names may not have"),
    /** Someone in the room already has this name, compared case-insensitively after NFKC normalisation. */
    NAME_TAKEN(4, "the name is already taken in that room"),
    /** The room name is empty where one is needed, too long, or holds a character names may not have. */
    ROOM_INVALID(5, "the room name is not valid"),
    /** The room has as many members as the server allows in one room. */
    ROOM_FULL(6, "the room is full"),
    /** The server has as many members as it allows. */
    SERVER_FULL(7, "the server is full"),
    /** Creating the room would exceed the number of rooms the server allows. */
    TOO_MANY_ROOMS(8, "the server has as many rooms as it allows"),
    /** A JOIN came from an address that is already a member; switch rooms instead. */
    ALREADY_JOINED(9, "already joined"),
    /** The request needs a member, and the sender has not joined (or was dropped). */
    NOT_JOINED(10, "not joined: send JOIN first"),
    /** The message is empty or only whitespace. */
    TEXT_EMPTY(11, "the message is empty"),
    /** The message has more bytes or code points than the server allows. */
    TEXT_TOO_LONG(12, "the message is too long"),
    /** The message holds a control character, a line separator or a bidirectional formatting character. */
    TEXT_INVALID(13, "the message holds a character messages may not have"),
    /** No member of the room has the name a private message is addressed to. */
    NO_SUCH_MEMBER(14, "no member of the room has that name"),
    /** The member sent faster than the rate limit allows; the request was dropped. */
    RATE_LIMITED(15, "rate limited: the message was dropped"),
    /** A room switch named the room the member is already in. */
    ALREADY_IN_ROOM(16, "already in that room"),
    /** The name belongs to another member's key on this server: only that key's holder may take it. */
    NAME_BOUND(17, "the name belongs to another member's key"),
    /** A signature did not verify, was replayed, or a member with a key sent an unsigned message. */
    SIGNATURE_REFUSED(18, "the signature was refused");

    private static final ChatReason[] BY_CODE = new ChatReason[256];

    static {
        for (ChatReason r : values()) {
            BY_CODE[r.code] = r;
        }
    }

    private final int code;
    private final String standardText;

    ChatReason(int code, String standardText) {
        this.code = code;
        this.standardText = standardText;
    }

    /**
     * The reason's byte on the wire.
     *
     * @return 1 to 255
     */
    public int code() {
        return code;
    }

    /**
     * A human text for the reason, shown when a frame carries the code alone.
     *
     * @return the text
     */
    public String standardText() {
        return standardText;
    }

    /**
     * Looks a reason up by its wire code.
     *
     * @param code the byte, 0 to 255
     * @return the reason, or {@code null} if the code is not one
     */
    static ChatReason ofCode(int code) {
        return code >= 0 && code < BY_CODE.length ? BY_CODE[code] : null;
    }
}
