package io.github.udpkit.api;

/**
 * Why a framed endpoint stopped talking to a peer.
 *
 * @since 0.1.0
 */
public enum DisconnectReason {
    /** The peer sent nothing, not even a keep-alive, for longer than the idle timeout. */
    TIMED_OUT,
    /** The peer said it was closing. */
    CLOSED_BY_PEER,
    /** This endpoint was closed. */
    CLOSED_LOCALLY,
    /** The peer table was full and this peer, the least recently active, made room for a new one. */
    EVICTED,
    /** Reliable messages to the peer went unacknowledged until their retries ran out. */
    UNREACHABLE,
    /**
     * The application refused the conversation: the peer refused ours (its reason is in the
     * failed sends' exceptions and the listener's detail), or ours refused the peer's.
     *
     * @since 0.1.0
     */
    REFUSED
}
