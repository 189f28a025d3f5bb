package io.github.udpkit.chat;

import static com.google.common.base.Preconditions.checkArgument;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.text.Normalizer;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * The rules for names, room names and message text, shared by the server (which enforces them)
 * and the client (which checks its user's input before sending, and what it receives before
 * showing it).
 *
 * <p>Names and room names: not empty; within a limit of UTF-8 bytes and of code points; no control
 * characters (Unicode category Cc, which includes ESC and so every ANSI escape), no format
 * characters (Cf, which includes the bidirectional overrides and isolates and the zero-width
 * characters that make two names look alike), no whitespace or separators, no private-use,
 * surrogate or unassigned code points; and the same must hold of the name's NFKC form, which can
 * differ (U+00A8 DIAERESIS becomes a space and a combining mark). Two names are the same name when
 * their {@link #fold folded} forms are equal.
 *
 * <p>Message text: not blank; within a limit of bytes and code points; no control characters (one
 * line each: no tab, newline, ESC), no line or paragraph separators, and none of the format
 * characters that reorder text: U+061C, U+200E, U+200F, U+202A to U+202E, U+2066 to U+2069. Other
 * format characters stay allowed, because emoji sequences need the zero-width joiner.
 *
 * @since 0.1.0
 */
public final class ChatText {

    private ChatText() {
    }

    /**
     * Checks a member name.
     *
     * @param name the name
     * @param maxCodePoints the most code points allowed
     * @param maxBytes the most UTF-8 bytes allowed
     * @return the violation, or empty if the name is valid
     */
    public static Optional<ChatFrame.Notice> checkName(String name, int maxCodePoints, int maxBytes) {
        return checkIdentifier(name, "name", maxCodePoints, maxBytes,
                ChatReason.NAME_EMPTY, ChatReason.NAME_TOO_LONG, ChatReason.NAME_INVALID);
    }

    /**
     * Checks a room name; the same rules as for names.
     *
     * @param room the room name
     * @param maxCodePoints the most code points allowed
     * @param maxBytes the most UTF-8 bytes allowed
     * @return the violation, or empty if the room name is valid
     */
    public static Optional<ChatFrame.Notice> checkRoom(String room, int maxCodePoints, int maxBytes) {
        return checkIdentifier(room, "room name", maxCodePoints, maxBytes,
                ChatReason.ROOM_INVALID, ChatReason.ROOM_INVALID, ChatReason.ROOM_INVALID);
    }

    /**
     * Checks a message text.
     *
     * @param text the message
     * @param maxCodePoints the most code points allowed
     * @param maxBytes the most UTF-8 bytes allowed
     * @return the violation, or empty if the text is valid
     */
    public static Optional<ChatFrame.Notice> checkText(String text, int maxCodePoints, int maxBytes) {
        Objects.requireNonNull(text, "text");
        checkLimits(maxCodePoints, maxBytes);
        if (text.isBlank()) {
            return violation(ChatReason.TEXT_EMPTY, "the message is empty");
        }
        Optional<ChatFrame.Notice> length = checkLength(text, "message", maxCodePoints, maxBytes, ChatReason.TEXT_TOO_LONG);
        if (length.isPresent()) {
            return length;
        }
        for (int i = 0; i < text.length(); ) {
            int cp = text.codePointAt(i);
            String why = forbiddenInText(cp);
            if (why != null) {
                return violation(ChatReason.TEXT_INVALID, "the message holds " + why + " " + codePoint(cp)
                        + " at position " + text.codePointCount(0, i));
            }
            i += Character.charCount(cp);
        }
        return Optional.empty();
    }

    /**
     * The form in which names (and room names) are compared: NFKC, lower-cased in the root locale,
     * NFKC again (lower-casing can leave a string that is not normalised). "Bob", "BOB" and the
     * full-width "ＢＯＢ" all fold to "bob".
     *
     * @param name a name that passed {@link #checkName}
     * @return its folded form
     */
    public static String fold(String name) {
        String nfkc = Normalizer.normalize(name, Normalizer.Form.NFKC);
        return Normalizer.normalize(nfkc.toLowerCase(Locale.ROOT), Normalizer.Form.NFKC);
    }

    /**
     * The line a plain datagram carries: its bytes as strict UTF-8, less one trailing line break
     * ({@code \n} or {@code \r\n}) that a netcat sends and the seeds' Python client does not.
     *
     * @param datagram the datagram
     * @return the line, or empty if the bytes are not UTF-8
     */
    public static Optional<String> decodePlain(byte[] datagram) {
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(datagram)).toString();
        } catch (CharacterCodingException e) {
            return Optional.empty();
        }
        if (text.endsWith("\r\n")) {
            return Optional.of(text.substring(0, text.length() - 2));
        }
        return Optional.of(text.endsWith("\n") ? text.substring(0, text.length() - 1) : text);
    }

    /**
     * Whether a string has an unpaired surrogate, which UTF-8 cannot carry.
     *
     * @param s the string
     * @return true if it has one
     */
    static boolean hasUnpairedSurrogate(String s) {
        for (int i = 0; i < s.length(); ) {
            int cp = s.codePointAt(i);
            if (Character.getType(cp) == Character.SURROGATE) {
                return true;
            }
            i += Character.charCount(cp);
        }
        return false;
    }

    private static Optional<ChatFrame.Notice> checkIdentifier(String name, String what, int maxCodePoints, int maxBytes,
                                                              ChatReason empty, ChatReason tooLong, ChatReason invalid) {
        Objects.requireNonNull(name, what);
        checkLimits(maxCodePoints, maxBytes);
        if (name.isEmpty()) {
            return violation(empty, "the " + what + " is empty");
        }
        Optional<ChatFrame.Notice> length = checkLength(name, what, maxCodePoints, maxBytes, tooLong);
        if (length.isPresent()) {
            return length;
        }
        String why = firstForbiddenInName(name);
        if (why == null) {
            // Only now, with the length bounded, is normalising (which may expand) cheap.
            String folded = fold(name);
            why = firstForbiddenInName(folded);
            if (why != null) {
                why = why + " once normalised (NFKC)";
            } else if (folded.isEmpty()) {
                why = "nothing once normalised (NFKC)";
            }
        }
        return why == null ? Optional.empty() : violation(invalid, "the " + what + " holds " + why);
    }

    private static Optional<ChatFrame.Notice> checkLength(String s, String what, int maxCodePoints, int maxBytes,
                                                          ChatReason tooLong) {
        if (hasUnpairedSurrogate(s)) {
            // Checked first: UTF-8 cannot count what it cannot encode.
            ChatReason invalid = tooLong == ChatReason.TEXT_TOO_LONG ? ChatReason.TEXT_INVALID
                    : tooLong == ChatReason.NAME_TOO_LONG ? ChatReason.NAME_INVALID : ChatReason.ROOM_INVALID;
            return violation(invalid, "the " + what + " holds an unpaired surrogate");
        }
        int codePoints = s.codePointCount(0, s.length());
        if (codePoints > maxCodePoints) {
            return violation(tooLong, "the " + what + " has " + codePoints + " characters; at most " + maxCodePoints
                    + " are allowed");
        }
        int bytes = ChatCodec.utf8Length(s);
        if (bytes > maxBytes) {
            return violation(tooLong, "the " + what + " has " + bytes + " bytes of UTF-8; at most " + maxBytes
                    + " are allowed");
        }
        return Optional.empty();
    }

    private static String firstForbiddenInName(String s) {
        for (int i = 0; i < s.length(); ) {
            int cp = s.codePointAt(i);
            String why = forbiddenInName(cp);
            if (why != null) {
                return why + " " + codePoint(cp);
            }
            i += Character.charCount(cp);
        }
        return null;
    }

    private static String forbiddenInName(int cp) {
        if (isBidiControl(cp)) {
            return "the bidirectional formatting character";
        }
        switch (Character.getType(cp)) {
            case Character.CONTROL:
                return "the control character";
            case Character.FORMAT:
                return "the invisible format character";
            case Character.SPACE_SEPARATOR:
            case Character.LINE_SEPARATOR:
            case Character.PARAGRAPH_SEPARATOR:
                return "the space or separator";
            case Character.PRIVATE_USE:
                return "the private-use character";
            case Character.SURROGATE:
                return "the unpaired surrogate";
            case Character.UNASSIGNED:
                return "the unassigned code point";
            default:
                return Character.isWhitespace(cp) ? "the whitespace character" : null;
        }
    }

    private static String forbiddenInText(int cp) {
        if (isBidiControl(cp)) {
            return "the bidirectional formatting character";
        }
        switch (Character.getType(cp)) {
            case Character.CONTROL:
                return "the control character";
            case Character.LINE_SEPARATOR:
            case Character.PARAGRAPH_SEPARATOR:
                return "the line separator";
            case Character.SURROGATE:
                return "the unpaired surrogate";
            default:
                return null;
        }
    }

    /**
     * Whether a code point is one of the characters that override or isolate the direction of
     * text, which can make a line read differently from what it says.
     *
     * @param cp the code point
     * @return true for U+061C, U+200E, U+200F, U+202A to U+202E and U+2066 to U+2069
     */
    public static boolean isBidiControl(int cp) {
        return cp == 0x061C || cp == 0x200E || cp == 0x200F || cp >= 0x202A && cp <= 0x202E
                || cp >= 0x2066 && cp <= 0x2069;
    }

    private static void checkLimits(int maxCodePoints, int maxBytes) {
        checkArgument(maxCodePoints > 0, "maxCodePoints must be positive: %s", maxCodePoints);
        checkArgument(maxBytes > 0, "maxBytes must be positive: %s", maxBytes);
    }

    private static String codePoint(int cp) {
        return String.format(Locale.ROOT, "U+%04X", cp);
    }

    private static Optional<ChatFrame.Notice> violation(ChatReason reason, String text) {
        return Optional.of(new ChatFrame.Notice(reason, text));
    }
}
