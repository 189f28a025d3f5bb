package io.github.udpkit.cli.chat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.udpkit.cli.DurationConverter;
import java.io.ByteArrayInputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.time.ZoneId;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** Argument handling of the chat commands: every mistake is exit code 2 with a message naming it. */
class ChatCommandLineTest {

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int run(Object command, String... args) {
        CommandLine cl = new CommandLine(command);
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        return cl.execute(args);
    }

    private int chat(String... args) {
        return run(new ChatCommand(new ByteArrayInputStream(new byte[0]), ZoneId.of("UTC")), args);
    }

    @Test
    void shouldRequireAName() {
        assertEquals(2, chat("localhost:12000"));
        assertTrue(err.toString().contains("--name"), err.toString());
    }

    @Test
    void shouldRequireAPortInTheServerAddress() {
        assertEquals(2, chat("localhost", "--name", "alice"));
        assertTrue(err.toString().contains("needs a port"), err.toString());
        assertEquals(2, chat("localhost:99999", "--name", "alice"));
    }

    @Test
    void shouldRefuseAnInvalidNameOrRoomBeforeConnecting() {
        assertEquals(2, chat("localhost:12000", "--name", "two words"));
        assertTrue(err.toString().contains("space"), err.toString());
        assertEquals(2, chat("localhost:12000", "--name", "evil\u202Egpj.exe"));
        assertTrue(err.toString().contains("bidirectional"), err.toString());
        assertEquals(2, chat("localhost:12000", "--name", "alice", "--room", ""));
    }

    @Test
    void shouldRefuseABadServerConfigurationBeforeBinding() {
        assertEquals(2, run(new ChatServerCommand(), "--room", "main hall"));
        assertTrue(err.toString().contains("main hall"), err.toString());
        assertEquals(2, run(new ChatServerCommand(), "--port", "70000"));
        assertTrue(err.toString().contains("70000"), err.toString());
        assertEquals(2, run(new ChatServerCommand(), "--max-members", "0"));
        assertEquals(2, run(new ChatServerCommand(), "--idle-timeout", "soon"));
        assertTrue(err.toString().contains("'soon' is not a duration"), err.toString());
    }

    @Test
    void shouldDescribeTheCommandsInTheirHelp() {
        assertEquals(0, run(new ChatCommand(), "--help"));
        assertTrue(out.toString().contains("/msg NAME TEXT"), out.toString());
        assertEquals(0, run(new ChatServerCommand(), "--help"));
        assertTrue(out.toString().contains("--idle-timeout"), out.toString());
    }

    @Test
    void shouldReadDurationsInShortAndIsoForms() {
        DurationConverter c = new DurationConverter();
        assertEquals(Duration.ofMillis(500), c.convert("500ms"));
        assertEquals(Duration.ofSeconds(30), c.convert("30s"));
        assertEquals(Duration.ofMinutes(5), c.convert("5m"));
        assertEquals(Duration.ofHours(1), c.convert("1h"));
        assertEquals(Duration.ofSeconds(90), c.convert("PT1M30S"));
        assertEquals(Duration.ofMillis(1500), c.convert("1.5s"), "the grammar of every udpkit command");
        assertThrows(CommandLine.TypeConversionException.class, () -> c.convert("0s"));
        assertThrows(CommandLine.TypeConversionException.class, () -> c.convert("-1s"));
        assertThrows(CommandLine.TypeConversionException.class, () -> c.convert("ten"));
    }
}
