package io.github.udpkit.cli.chat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ChatInputTest {

    @Test
    void shouldReadPlainLinesAsMessages() {
        assertEquals(new ChatInput.Say("hello there"), ChatInput.parse("hello there"));
        assertEquals(new ChatInput.Say("  indented"), ChatInput.parse("  indented"));
        assertEquals(new ChatInput.Say("/not a command"), ChatInput.parse("//not a command"));
        assertEquals(new ChatInput.Say("quit"), ChatInput.parse("quit"));
        assertEquals(new ChatInput.Say("q "), ChatInput.parse("q "), "only a bare q quits");
    }

    @Test
    void shouldReadTheCommands() {
        assertEquals(new ChatInput.Quit(), ChatInput.parse("q"));
        assertEquals(new ChatInput.Quit(), ChatInput.parse("/quit"));
        assertEquals(new ChatInput.Who(), ChatInput.parse("/who"));
        assertEquals(new ChatInput.Help(), ChatInput.parse("/help"));
        assertEquals(new ChatInput.Join("dev"), ChatInput.parse("/join dev"));
        assertEquals(new ChatInput.Msg("bob", "see you  at noon"), ChatInput.parse("/msg bob see you  at noon"));
        assertEquals(new ChatInput.Nothing(), ChatInput.parse("   "));
        assertEquals(new ChatInput.Nothing(), ChatInput.parse(""));
    }

    @Test
    void shouldExplainAMisusedCommand() {
        assertEquals(new ChatInput.Invalid("usage: /msg NAME TEXT"), ChatInput.parse("/msg bob"));
        assertEquals(new ChatInput.Invalid("usage: /join ROOM"), ChatInput.parse("/join"));
        assertEquals(new ChatInput.Invalid("usage: /join ROOM"), ChatInput.parse("/join two rooms"));
        assertEquals(new ChatInput.Invalid("usage: /who"), ChatInput.parse("/who is there"));
        ChatInput.Invalid unknown = assertInstanceOf(ChatInput.Invalid.class, ChatInput.parse("/shrug"));
        assertTrue(unknown.why().contains("/shrug") && unknown.why().contains("/msg"), unknown.why());
    }
}
