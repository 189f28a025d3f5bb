package io.github.udpkit.chat;

import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * The chat as lines of text: how {@code udpkit chat} prints a room, and what the server sends a
 * plain member (a program that speaks plain text, such as the seeds' Python client), one line per
 * datagram. Messages are {@code [HH:MM:SS] name: text} in a given zone, presence is
 * {@code * name joined} and {@code * name left}.
 *
 * @since 0.1.0
 */
public final class ChatLines {

    private static final DateTimeFormatter CLOCK = DateTimeFormatter.ofPattern("HH:mm:ss", Locale.ROOT);
    /** The most names a line to a plain member lists: its lines stay small, whatever the room. */
    private static final int MAX_LISTED_NAMES = 20;

    private final DateTimeFormatter clock;

    /**
     * Lines with times in a zone.
     *
     * @param zone the zone of the {@code HH:MM:SS} stamps
     */
    public ChatLines(ZoneId zone) {
        this.clock = CLOCK.withZone(Objects.requireNonNull(zone, "zone"));
    }

    /**
     * {@code HH:MM:SS} of an instant.
     *
     * @param instant the instant
     * @return the time of day in this zone
     */
    public String time(Instant instant) {
        return clock.format(instant);
    }

    /**
     * A message: {@code [HH:MM:SS] name: text}, or {@code [HH:MM:SS] name (private): text}.
     *
     * @param sender the sender's name
     * @param serverTime when the server stamped it
     * @param text the text
     * @param isPrivate whether it was sent to one member
     * @return the line
     */
    public String message(String sender, Instant serverTime, String text, boolean isPrivate) {
        return "[" + time(serverTime) + "] " + sender + (isPrivate ? " (private)" : "") + ": " + text;
    }

    /**
     * Presence: {@code * name joined}.
     *
     * @param name who joined
     * @return the line
     */
    public static String memberJoined(String name) {
        return "* " + name + " joined";
    }

    /**
     * Presence: {@code * name left}, with the reason unless the member left of its own accord.
     *
     * @param name who left
     * @param reason why
     * @return the line
     */
    public static String memberLeft(String name, LeaveReason reason) {
        return "* " + name + " left" + (reason == LeaveReason.LEFT ? "" : " (" + reason.describe() + ")");
    }

    /**
     * The joiner's own line: {@code * joined ROOM as NAME (N members: a, b)}.
     *
     * @param room the room
     * @param name the joiner's name
     * @param members the room's members, the joiner included
     * @return the line
     */
    public static String joined(String room, String name, List<String> members) {
        return "* joined " + room + " as " + name + " (" + count(members.size()) + ": " + names(members, Integer.MAX_VALUE) + ")";
    }

    /**
     * The answer to {@code /who}: {@code * N members in ROOM: a, b}.
     *
     * @param room the room
     * @param members its members
     * @return the line
     */
    public static String members(String room, List<String> members) {
        return "* " + count(members.size()) + " in " + room + ": " + names(members, Integer.MAX_VALUE);
    }

    /**
     * The line a plain member receives for a frame the server sends, or empty for frames that
     * mean nothing to a person (pongs).
     *
     * @param frame the frame
     * @return the line
     */
    Optional<String> plain(ChatFrame frame) {
        if (frame instanceof ChatFrame.Message m) {
            return Optional.of(message(m.from(), Instant.ofEpochMilli(m.serverTimeMillis()), m.text(), m.isPrivate()));
        } else if (frame instanceof ChatFrame.MemberJoined j) {
            return Optional.of(memberJoined(j.name()));
        } else if (frame instanceof ChatFrame.MemberLeft l) {
            return Optional.of(memberLeft(l.name(), l.reason()));
        } else if (frame instanceof ChatFrame.Joined j) {
            return Optional.of("* joined " + j.room() + " as " + j.name() + " (" + count(j.members().size()) + ": "
                    + names(j.members(), MAX_LISTED_NAMES) + "); /nick NAME renames you");
        } else if (frame instanceof ChatFrame.Members m) {
            return Optional.of("* " + count(m.names().size()) + " in " + m.room() + ": " + names(m.names(), MAX_LISTED_NAMES));
        } else if (frame instanceof ChatFrame.Notice n) {
            return Optional.of("! " + (n.text().isEmpty() ? n.reason().standardText() : n.text()));
        } else if (frame instanceof ChatFrame.Rejected r) {
            return Optional.of("! " + (r.text().isEmpty() ? r.reason().standardText() : r.text()));
        } else if (frame instanceof ChatFrame.Bye b) {
            return Optional.of("* disconnected: " + b.reason().describe());
        }
        return Optional.empty();
    }

    private static String count(int n) {
        return n == 1 ? "1 member" : n + " members";
    }

    private static String names(List<String> names, int limit) {
        if (names.size() <= limit) {
            return String.join(", ", names);
        }
        return String.join(", ", names.subList(0, limit)) + " and " + (names.size() - limit) + " more";
    }
}
