package io.github.udpkit.chat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class ChatTextTest {

    private static Optional<ChatReason> name(String s) {
        return ChatText.checkName(s, 32, 64).map(ChatFrame.Notice::reason);
    }

    private static Optional<ChatReason> text(String s) {
        return ChatText.checkText(s, 500, 2000).map(ChatFrame.Notice::reason);
    }

    @ParameterizedTest
    @ValueSource(strings = {"alice", "Bob", "José", "李小龍", "Ωmega", "o'neil", "x_y-z.1", "\uD83D\uDE00smile", "𝒜lgebra"})
    void shouldAcceptOrdinaryNames(String s) {
        assertEquals(Optional.empty(), name(s), s);
    }

    @Test
    void shouldRejectAnEmptyName() {
        assertEquals(Optional.of(ChatReason.NAME_EMPTY), name(""));
    }

    @Test
    void shouldRejectNamesTooLongInCodePointsOrBytes() {
        assertEquals(Optional.empty(), name("a".repeat(32)));
        assertEquals(Optional.of(ChatReason.NAME_TOO_LONG), name("a".repeat(33)));
        // 17 emoji: 17 code points, but 68 bytes of UTF-8.
        assertEquals(Optional.of(ChatReason.NAME_TOO_LONG), name("\uD83D\uDE00".repeat(17)));
        assertEquals(Optional.empty(), name("\uD83D\uDE00".repeat(16)));
        String text = ChatText.checkName("a".repeat(33), 32, 64).orElseThrow().text();
        assertTrue(text.contains("33") && text.contains("32"), text);
    }

    @ParameterizedTest
    @ValueSource(ints = {0x00, 0x07, 0x09, 0x0A, 0x0D, 0x1B, 0x7F, 0x85, 0x9B})
    void shouldRejectControlCharactersInNames(int cp) {
        String s = "ab" + Character.toString(cp) + "cd";
        ChatFrame.Notice n = ChatText.checkName(s, 32, 64).orElseThrow();
        assertEquals(ChatReason.NAME_INVALID, n.reason());
        assertTrue(n.text().contains(String.format("U+%04X", cp)), n.text());
    }

    @Test
    void shouldRejectAnsiEscapesInNames() {
        assertEquals(Optional.of(ChatReason.NAME_INVALID), name("\u001b[31mred"));
    }

    @ParameterizedTest
    @ValueSource(ints = {0x202A, 0x202B, 0x202C, 0x202D, 0x202E, 0x2066, 0x2067, 0x2068, 0x2069, 0x200E, 0x200F,
        0x061C})
    void shouldRejectBidiControlsInNamesAndTexts(int cp) {
        String s = "evil" + Character.toString(cp) + "txt.exe";
        ChatFrame.Notice n = ChatText.checkName(s, 32, 64).orElseThrow();
        assertEquals(ChatReason.NAME_INVALID, n.reason());
        assertTrue(n.text().contains("bidirectional"), n.text());
        assertEquals(Optional.of(ChatReason.TEXT_INVALID), text(s));
        assertTrue(ChatText.isBidiControl(cp));
    }

    @ParameterizedTest
    @ValueSource(strings = {"zero\u200Bwidth", "a\u200Db", "soft\u00ADhyphen", "bom\uFEFF"})
    void shouldRejectInvisibleFormatCharactersInNames(String s) {
        assertEquals(Optional.of(ChatReason.NAME_INVALID), name(s));
    }

    @ParameterizedTest
    @ValueSource(strings = {"two words", "nb\u00A0sp", "ideo\u3000space", "line\u2028sep", "para\u2029sep",
        "private\uE000use", "unassigned\u0378"})
    void shouldRejectSpacesSeparatorsPrivateUseAndUnassignedInNames(String s) {
        assertEquals(Optional.of(ChatReason.NAME_INVALID), name(s));
    }

    @Test
    void shouldRejectANameThatNormalisesToHoldASpace() {
        // U+00A8 DIAERESIS is a symbol, but NFKC turns it into a space and a combining mark.
        ChatFrame.Notice n = ChatText.checkName("a\u00A8b", 32, 64).orElseThrow();
        assertEquals(ChatReason.NAME_INVALID, n.reason());
        assertTrue(n.text().contains("NFKC"), n.text());
    }

    @Test
    void shouldRejectAnUnpairedSurrogate() {
        assertEquals(Optional.of(ChatReason.NAME_INVALID), name("a\uD800"));
        assertEquals(Optional.of(ChatReason.TEXT_INVALID), text("a\uDC00b"));
    }

    @ParameterizedTest
    @CsvSource({
        "Alice, alice",
        "ALICE, alice",
        "Ａｌｉｃｅ, alice",            // full-width
        "Jose\u0301, josé",            // decomposed e + combining acute vs composed
        "\u212Aelvin, kelvin",          // KELVIN SIGN
        "ﬁsh, fish",                    // ligature
        "ｂｏｂ, BOB",
    })
    void shouldFoldNamesThatLookTheSameToOneForm(String a, String b) {
        assertEquals(ChatText.fold(a), ChatText.fold(b), a + " vs " + b);
    }

    @Test
    void shouldKeepDifferentNamesApart() {
        assertNotEquals(ChatText.fold("alice"), ChatText.fold("alicia"));
        assertNotEquals(ChatText.fold("bob"), ChatText.fold("b0b"));
    }

    @Property(tries = 200)
    void shouldFoldIdempotently(@ForAll("names") String s) {
        String once = ChatText.fold(s);
        assertEquals(once, ChatText.fold(once));
    }

    @Provide
    Arbitrary<String> names() {
        return ChatArbitraries.names();
    }

    @ParameterizedTest
    @ValueSource(strings = {"hello", "¿qué tal?", "emoji \uD83D\uDC68\u200D\uD83D\uDC69\u200D\uD83D\uDC67 family",
        "  leading and trailing spaces  ", "אבג mixed עברית text"})
    void shouldAcceptOrdinaryTexts(String s) {
        assertEquals(Optional.empty(), text(s), s);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", " ", "\u3000\u3000"})
    void shouldRejectEmptyOrBlankTexts(String s) {
        assertEquals(Optional.of(ChatReason.TEXT_EMPTY), text(s));
    }

    @ParameterizedTest
    @ValueSource(strings = {"tab\there", "new\nline", "cr\rhere", "\u001b[2Jclear screen", "bell\u0007",
        "line\u2028separator", "para\u2029separator", "del\u007F"})
    void shouldRejectControlsAndLineBreaksInTexts(String s) {
        assertEquals(Optional.of(ChatReason.TEXT_INVALID), text(s));
    }

    @Test
    void shouldRejectTextsTooLongInCodePointsOrBytes() {
        assertEquals(Optional.empty(), text("a".repeat(500)));
        assertEquals(Optional.of(ChatReason.TEXT_TOO_LONG), text("a".repeat(501)));
        assertEquals(Optional.of(ChatReason.TEXT_TOO_LONG), ChatText.checkText("é".repeat(10), 100, 19)
                .map(ChatFrame.Notice::reason));
    }

    @Test
    void shouldCheckItsLimitArguments() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ChatText.checkText("x", 0, 10));
        assertTrue(e.getMessage().contains("maxCodePoints"), e.getMessage());
    }

    @Test
    void shouldCheckRoomNamesByTheNameRules() {
        assertEquals(Optional.empty(), ChatText.checkRoom("dev-ops", 32, 64));
        for (String bad : new String[] {"", "two words", "x".repeat(33), "a\u202Eb"}) {
            assertEquals(ChatReason.ROOM_INVALID, ChatText.checkRoom(bad, 32, 64).orElseThrow().reason(), bad);
        }
    }
}
