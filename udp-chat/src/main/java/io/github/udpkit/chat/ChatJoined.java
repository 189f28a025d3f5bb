package io.github.udpkit.chat;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * A room as a member finds it on joining: its name, the member's name, who is there, what was said
 * last, and the server's limits.
 *
 * @param room the room's name as the server shows it
 * @param name the member's name
 * @param members the members in join order, this member last
 * @param history the room's last messages, oldest first
 * @param idleTimeout after how long without a frame the server drops a member
 * @param rateBurst how many requests the server accepts at once
 * @param rateRefill how often the server allows one more request after a burst
 * @since 0.1.0
 */
public record ChatJoined(String room, String name, List<String> members, List<ChatMessage> history,
                         Duration idleTimeout, int rateBurst, Duration rateRefill) {

    /** Checks the components and copies the lists. */
    public ChatJoined {
        Objects.requireNonNull(room, "room");
        Objects.requireNonNull(name, "name");
        members = List.copyOf(members);
        history = List.copyOf(history);
        Objects.requireNonNull(idleTimeout, "idleTimeout");
        Objects.requireNonNull(rateRefill, "rateRefill");
    }
}
