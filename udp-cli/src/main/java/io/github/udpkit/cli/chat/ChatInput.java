package io.github.udpkit.cli.chat;

/**
 * What a line typed at {@code udpkit chat} asks for: a message, or a command ({@code /who},
 * {@code /msg NAME TEXT}, {@code /join ROOM}, {@code /quit} or {@code q}, {@code /help}).
 */
sealed interface ChatInput {

    /** A message for the room. */
    record Say(String text) implements ChatInput {
    }

    /** A private message. */
    record Msg(String to, String text) implements ChatInput {
    }

    /** A room switch. */
    record Join(String room) implements ChatInput {
    }

    /** Who is in the room. */
    record Who() implements ChatInput {
    }

    /** Leave and exit. */
    record Quit() implements ChatInput {
    }

    /** Show the commands. */
    record Help() implements ChatInput {
    }

    /** A blank line: nothing to do. */
    record Nothing() implements ChatInput {
    }

    /** A command used wrongly; the text says how to use it. */
    record Invalid(String why) implements ChatInput {
    }

    /** The commands, as {@code /help} prints them. */
    String HELP = "commands: /who, /msg NAME TEXT, /join ROOM, /quit (or q); anything else is said to the room";

    /**
     * Reads one line.
     *
     * @param line the line without its line break
     * @return what it asks for
     */
    static ChatInput parse(String line) {
        if (line.isBlank()) {
            return new Nothing();
        }
        if (line.equals("q") || line.equals("/quit")) {
            return new Quit();
        }
        if (!line.startsWith("/") || line.startsWith("//")) {
            // "//" escapes a message that starts with a slash.
            return new Say(line.startsWith("//") ? line.substring(1) : line);
        }
        String[] parts = line.trim().split("\\s+", 3);
        switch (parts[0]) {
            case "/who":
                return parts.length == 1 ? new Who() : new Invalid("usage: /who");
            case "/help":
                return new Help();
            case "/join":
                return parts.length == 2 ? new Join(parts[1]) : new Invalid("usage: /join ROOM");
            case "/msg":
                return parts.length == 3 ? new Msg(parts[1], parts[2]) : new Invalid("usage: /msg NAME TEXT");
            default:
                return new Invalid("unknown command " + parts[0] + "; " + HELP);
        }
    }
}
