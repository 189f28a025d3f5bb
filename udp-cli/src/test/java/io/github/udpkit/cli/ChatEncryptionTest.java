package io.github.udpkit.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.udpkit.cli.chat.ChatServerCommand;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@code --key-file} on {@code chat-server} and {@code chat}: a shared key talks, another key is not heard. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ChatEncryptionTest {

    @TempDir
    Path dir;

    @Test
    void shouldChatUnderASharedKeyAndHearNothingUnderAnother() throws Exception {
        Path key = newKey("chat.key");
        Path other = newKey("other.key");
        try (Cli.Server server = chatServer("--key-file", key.toString())) {
            Cli.Result alice = Cli.withInput("hello, encrypted\n", false)
                    .execute("chat", server.hostPort(), "--name", "alice", "--key-file", key.toString());
            assertEquals(0, alice.exit(), alice.err());
            assertTrue(alice.out().contains("* joined lobby as alice"), alice.out());

            Cli.Result mallory = Cli.withInput("let me in\n", false).execute("chat", server.hostPort(), "--name",
                    "mallory", "--key-file", other.toString(), "--wait", "500ms");
            assertEquals(1, mallory.exit(), mallory.err());
            assertEquals(List.of("! no answer from " + server.hostPort() + " within 500 ms"), mallory.errLines());

            Cli.Result stopped = server.stop();
            assertTrue(stopped.out().contains("stopped: 1 joins, 1 messages,"), stopped.out());
            assertTrue(!stopped.out().contains("mallory"), stopped.out());
        }
    }

    @Test
    void shouldChatOverDtls_andRefuseAClientThatTrustsAnotherCertificate() throws Exception {
        Path cert = dir.resolve("chat.crt");
        Path certKey = dir.resolve("chat.key");
        assertEquals(0, Cli.run("keygen", "--cert", "localhost", "--out", dir.resolve("chat").toString()).exit());
        assertEquals(0, Cli.run("keygen", "--cert", "localhost", "--out", dir.resolve("stranger").toString()).exit());
        try (Cli.Server server = chatServer("--dtls", "--cert", cert.toString(), "--key", certKey.toString())) {
            Cli.Result alice = Cli.withInput("hello over dtls\n", false).execute("chat", server.hostPort(), "--name",
                    "alice", "--dtls", "--trust", cert.toString(), "--server-name", "localhost");
            assertEquals(0, alice.exit(), alice.err());
            assertTrue(alice.out().contains("* joined lobby as alice"), alice.out());

            Cli.Result mallory = Cli.withInput("let me in\n", false).execute("chat", server.hostPort(), "--name",
                    "mallory", "--dtls", "--trust", dir.resolve("stranger.crt").toString(), "--server-name",
                    "localhost", "--wait", "2s");
            assertEquals(1, mallory.exit(), mallory.err());

            Cli.Result stopped = server.stop();
            assertTrue(stopped.out().contains("stopped: 1 joins, 1 messages,"), stopped.out());
        }
    }

    @Test
    void shouldReportAMissingKeyFileInOneLine() {
        Path missing = dir.resolve("missing.key");
        Cli.run("chat-server", "--port", "0", "--key-file", missing.toString())
                .assertUsageError("key file does not exist: " + missing);
        Cli.withInput("", false).execute("chat", "127.0.0.1:9", "--name", "a", "--key-file", missing.toString())
                .assertUsageError("key file does not exist: " + missing);
    }

    private Path newKey(String name) {
        Path key = dir.resolve(name);
        assertEquals(0, Cli.run("keygen", "--out", key.toString()).exit());
        return key;
    }

    private static Cli.Server chatServer(String... options) throws Exception {
        Cli cli = new Cli();
        Cli.Running running = cli.start(Cli.concat(new String[] {"chat-server", "--bind", "127.0.0.1", "--port", "0"},
                options));
        ChatServerCommand command = cli.subcommand("chat-server", ChatServerCommand.class);
        InetSocketAddress address;
        try {
            address = command.bound().get(Cli.WAIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            throw new AssertionError("not bound; out: " + cli.out() + " err: " + cli.err(), e);
        }
        return new Cli.Server(running, address, command::stop);
    }
}
