package io.github.udpkit.core.discovery;

import static com.google.common.base.Preconditions.checkArgument;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Objects;

/**
 * What a server says about itself in a discovery reply: its name, the port it serves on, what it
 * serves, and its rooms (for a chat server).
 *
 * @param name a human name for the server, 1 to {@value #MAX_TEXT_BYTES} bytes of UTF-8
 * @param port the port it serves on, 1 to 65535
 * @param service what it serves, e.g. {@code "chat"}, 1 to {@value #MAX_TEXT_BYTES} bytes
 * @param rooms its rooms, each 1 to {@value #MAX_TEXT_BYTES} bytes, at most {@value #MAX_ROOMS}
 * @since 0.1.0
 */
public record Announcement(String name, int port, String service, List<String> rooms) {

    /** The longest name, service or room, in bytes of UTF-8: its length is one byte on the wire. */
    public static final int MAX_TEXT_BYTES = 255;
    /** The most rooms a reply lists: the count is one byte on the wire. */
    public static final int MAX_ROOMS = 255;

    /** Checks the fields and copies the rooms. */
    public Announcement {
        checkText(name, "name");
        checkText(service, "service");
        checkArgument(port >= 1 && port <= 65535, "port must be in 1..65535: %s", port);
        rooms = List.copyOf(rooms);
        checkArgument(rooms.size() <= MAX_ROOMS, "at most %s rooms: %s", MAX_ROOMS, rooms.size());
        rooms.forEach(r -> checkText(r, "room"));
    }

    private static void checkText(String text, String what) {
        Objects.requireNonNull(text, what);
        int bytes = text.getBytes(StandardCharsets.UTF_8).length;
        checkArgument(bytes >= 1 && bytes <= MAX_TEXT_BYTES, "%s must be 1..%s bytes of UTF-8: '%s' is %s",
                what, MAX_TEXT_BYTES, text, bytes);
    }
}
