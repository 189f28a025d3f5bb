package io.github.udpkit.chat;

import java.net.InetSocketAddress;

/**
 * Hears what a chat server does with its members, for logging and monitoring. Every method has a
 * do-nothing default. Methods run on the thread driving the {@link ChatServerCore} and must return
 * quickly; they must not call back into the server.
 *
 * @since 0.1.0
 */
public interface ChatServerListener {

    /**
     * Someone joined a room, or moved to it from another.
     *
     * @param address the member's address
     * @param room the room
     * @param name the member's name
     */
    default void onMemberJoined(InetSocketAddress address, String room, String name) {
    }

    /**
     * A member left a room.
     *
     * @param address the member's address
     * @param room the room
     * @param name the member's name
     * @param reason why
     */
    default void onMemberLeft(InetSocketAddress address, String room, String name, LeaveReason reason) {
    }

    /**
     * A join or room switch was refused.
     *
     * @param address the address it came from
     * @param reason why
     */
    default void onRejected(InetSocketAddress address, ChatReason reason) {
    }
}
