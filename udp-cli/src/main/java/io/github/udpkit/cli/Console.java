package io.github.udpkit.cli;

import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;

/** Formatting of what the command prints: times of day and payloads made safe for a terminal. */
final class Console {

    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss.SSS");

    private Console() {
    }

    /** A time of day in the local zone, {@code HH:mm:ss.SSS}. */
    static String time(Instant instant) {
        return TIME.format(instant.atZone(ZoneId.systemDefault()));
    }

    /**
     * Escapes control characters ({@code \n}, {@code \t}, {@code \u001b}, ...) so a payload from the
     * network stays on one line and cannot send escape sequences to the user's terminal.
     */
    static String escape(String text) {
        StringBuilder sb = null;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            String replacement = escapeChar(c);
            if (replacement != null && sb == null) {
                sb = new StringBuilder(text.length() + 16).append(text, 0, i);
            }
            if (sb != null) {
                if (replacement != null) {
                    sb.append(replacement);
                } else {
                    sb.append(c);
                }
            }
        }
        return sb == null ? text : sb.toString();
    }

    /** A payload quoted for display, escaped as {@link #escape}, quotes and backslashes escaped too. */
    static String quote(String text) {
        return '"' + escape(text.replace("\\", "\\\\").replace("\"", "\\\"")) + '"';
    }

    private static String escapeChar(char c) {
        switch (c) {
            case '\n':
                return "\\n";
            case '\r':
                return "\\r";
            case '\t':
                return "\\t";
            default:
                if (c < 0x20 || (c >= 0x7f && c < 0xa0) || c == '\u2028' || c == '\u2029') {
                    return String.format("\\u%04x", (int) c);
                }
                return null;
        }
    }
}
