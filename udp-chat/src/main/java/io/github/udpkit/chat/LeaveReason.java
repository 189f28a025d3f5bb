package io.github.udpkit.chat;

/**
 * Why a member left a room, or a client its server: carried by {@link ChatFrame.MemberLeft} and
 * {@link ChatFrame.Bye} frames and reported to {@link ChatListener#onMemberLeft} and
 * {@link ChatListener#onDisconnected}.
 *
 * @since 0.1.0
 */
public enum LeaveReason {
    /** The member said LEAVE (or closed its client). */
    LEFT(1),
    /** The member switched to another room. */
    SWITCHED_ROOM(2),
    /** Nothing was heard from the member for longer than the idle timeout. */
    TIMED_OUT(3),
    /** The member's transport closed its connection. */
    DISCONNECTED(4),
    /** Messages to the member failed or backed up, so it was dropped rather than waited on. */
    UNREACHABLE(5),
    /** The server is shutting down. */
    SERVER_CLOSED(6);

    private static final LeaveReason[] BY_CODE = new LeaveReason[256];

    static {
        for (LeaveReason r : values()) {
            BY_CODE[r.code] = r;
        }
    }

    private final int code;

    LeaveReason(int code) {
        this.code = code;
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
     * Looks a reason up by its wire code.
     *
     * @param code the byte
     * @return the reason, or {@code null} if the code is not one
     */
    static LeaveReason ofCode(int code) {
        return code >= 0 && code < BY_CODE.length ? BY_CODE[code] : null;
    }

    /**
     * The words the console shows after "left", e.g. "timed out".
     *
     * @return lower-case words
     */
    public String describe() {
        return switch (this) {
            case LEFT -> "left";
            case SWITCHED_ROOM -> "switched room";
            case TIMED_OUT -> "timed out";
            case DISCONNECTED -> "disconnected";
            case UNREACHABLE -> "unreachable";
            case SERVER_CLOSED -> "server closed";
        };
    }
}
