package io.github.udpkit.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.github.udpkit.cli.chat.ChatServerCommand;
import io.github.udpkit.core.security.Identity;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.io.PrintWriter;
import java.io.Writer;
import java.net.InetSocketAddress;
import java.nio.channels.DatagramChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.Timeout;

/**
 * {@code udpkit chat-server} and {@code udpkit chat} end to end, in-process through the real
 * {@code udpkit} command line over loopback RELIABLE endpoints, with standard input from a pipe.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ChatEndToEndTest {

    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final String TIME = "\\[\\d\\d:\\d\\d:\\d\\d\\] ";

    @Test
    void shouldRelayPipedLinesWithNamesAndTimesAndExitCleanlyAtEndOfInput() throws Exception {
        try (Cli.Server server = chatServer()) {
            // bob stays in the room until the test closes his input; alice says two lines and is done.
            PipedOutputStream bobKeys = new PipedOutputStream();
            Member bob = Member.start(new PipedInputStream(bobKeys), "chat", server.hostPort(), "--name", "bob");
            bob.out.await("\\* joined lobby as bob \\(1 member: bob\\)");

            Member alice = Member.start(input("hello from alice\nsecond line, ünïcödé\n"),
                    "chat", server.hostPort(), "--name", "alice");
            assertEquals(0, alice.exit(), alice::describe);
            assertTrue(alice.out.lines().contains("* joined lobby as alice (2 members: bob, alice)"), alice::describe);
            assertEquals(List.of(), alice.err.lines(), alice::describe);

            bob.out.await("\\* alice joined");
            bob.out.await(TIME + "alice: hello from alice");
            bob.out.await(TIME + "alice: second line, ünïcödé");
            bob.out.await("\\* alice left");

            bobKeys.write("bye now\n".getBytes(StandardCharsets.UTF_8));
            bobKeys.close();
            assertEquals(0, bob.exit(), bob::describe);
            assertEquals(List.of("* joined lobby as bob (1 member: bob)", "* alice joined"),
                    bob.out.lines().subList(0, 2), bob::describe);
            assertEquals(5, bob.out.lines().size(), bob::describe);
            assertEquals(List.of(), bob.err.lines(), bob::describe);

            Cli.Result stopped = server.stop();
            assertEquals(0, stopped.exit(), stopped.err());
            List<String> log = stopped.outLines();
            assertTrue(log.get(0).matches("chat server listening on 127\\.0\\.0\\.1:\\d+ \\(default room lobby\\)"),
                    stopped.out());
            assertOrder(log, "\\d\\d:\\d\\d:\\d\\d bob joined lobby from 127\\.0\\.0\\.1:\\d+",
                    "\\d\\d:\\d\\d:\\d\\d alice joined lobby from 127\\.0\\.0\\.1:\\d+",
                    "\\d\\d:\\d\\d:\\d\\d alice left lobby",
                    "\\d\\d:\\d\\d:\\d\\d bob left lobby",
                    "stopped: 2 joins, 3 messages, 0 private, 0 refused, 0 rate limited");
        }
    }

    @Test
    void shouldSendPrivateMessagesAndAnswerWhoFromPipedCommands() throws Exception {
        try (Cli.Server server = chatServer()) {
            PipedOutputStream bobKeys = new PipedOutputStream();
            Member bob = Member.start(new PipedInputStream(bobKeys), "chat", server.hostPort(), "--name", "bob",
                    "--room", "dev");
            bob.out.await("\\* joined dev as bob \\(1 member: bob\\)");

            Member alice = Member.start(input("/who\n/msg BOB just for you\n//slash is fine\n/bogus\nq\nnever sent\n"),
                    "chat", server.hostPort(), "--name", "alice", "--room", "DEV");
            assertEquals(0, alice.exit(), alice::describe);
            assertTrue(alice.out.lines().contains("* 2 members in dev: bob, alice"), alice::describe);
            assertTrue(alice.err.lines().get(0).startsWith("! unknown command /bogus"), alice::describe);

            bob.out.await(TIME + "alice \\(private\\): just for you");
            bob.out.await(TIME + "alice: /slash is fine");
            bob.out.await("\\* alice left");
            bobKeys.close();
            assertEquals(0, bob.exit(), bob::describe);
            assertTrue(bob.out.lines().stream().noneMatch(l -> l.contains("never sent")), bob::describe);
        }
    }

    @Test
    void shouldSignChatMessagesShowFingerprintsAndRefuseAnImpostorOfASignedName(@TempDir Path dir) throws Exception {
        Identity aliceId = Identity.generate();
        aliceId.writeTo(dir.resolve("alice.pem"));
        Identity.generate().writeTo(dir.resolve("mallory.pem"));
        Path bobKnown = dir.resolve("bob.known-keys");
        try (Cli.Server server = chatServer()) {
            PipedOutputStream bobKeys = new PipedOutputStream();
            Member bob = Member.start(new PipedInputStream(bobKeys), "chat", server.hostPort(), "--name", "bob",
                    "--known-keys", bobKnown.toString());
            bob.out.await("\\* joined lobby as bob .*");

            Member alice = Member.start(input("signed hello\n"), "chat", server.hostPort(), "--name", "alice",
                    "--identity", dir.resolve("alice.pem").toString());
            assertEquals(0, alice.exit(), alice::describe);
            bob.out.await("\\* alice's key is " + aliceId.fingerprint() + " \\(new: compare it with alice\\)");
            bob.out.await(TIME + "alice: signed hello");
            bob.out.await("\\* alice left");

            Member mallory = Member.start(input("I am alice\n"), "chat", server.hostPort(), "--name", "Alice",
                    "--identity", dir.resolve("mallory.pem").toString());
            assertEquals(1, mallory.exit(), mallory::describe);
            assertTrue(mallory.err.lines().get(0).startsWith("! join refused: the name Alice belongs to key "
                    + aliceId.fingerprint()), mallory::describe);
            Member plain = Member.start(input("hi\n"), "chat", server.hostPort(), "--name", "alice");
            assertEquals(1, plain.exit(), plain::describe);

            Member carol = Member.start(input("no key here\n"), "chat", server.hostPort(), "--name", "carol");
            assertEquals(0, carol.exit(), carol::describe);
            bob.out.await(TIME + "carol \\(unsigned\\): no key here");
            bobKeys.close();
            assertEquals(0, bob.exit(), bob::describe);
            assertTrue(bob.out.lines().stream().noneMatch(l -> l.contains("I am alice")), bob::describe);
            assertEquals("alice ed25519 " + aliceId.publicIdentity().toBase64() + "\n", Files.readString(bobKnown));
        }
    }

    @Test
    void shouldExitWithOneWhenTheNameIsTaken() throws Exception {
        try (Cli.Server server = chatServer()) {
            PipedOutputStream bobKeys = new PipedOutputStream();
            Member bob = Member.start(new PipedInputStream(bobKeys), "chat", server.hostPort(), "--name", "bob");
            bob.out.await("\\* joined lobby as bob .*");
            Member impostor = Member.start(input("hi\n"), "chat", server.hostPort(), "--name", "BOB");
            assertEquals(1, impostor.exit(), impostor::describe);
            // The refusal to a stranger may not be larger than its JOIN: the reason's standard text is shown.
            assertEquals(List.of("! join refused: the name is already taken in that room"), impostor.err.lines(),
                    impostor::describe);
            bobKeys.close();
            assertEquals(0, bob.exit(), bob::describe);
            assertTrue(bob.out.lines().stream().noneMatch(l -> l.contains("BOB")), bob::describe);
        }
    }

    @Test
    void shouldGiveUpBoundedlyWhenNoServerAnswers() throws Exception {
        try (DatagramChannel silent = DatagramChannel.open()) {
            silent.bind(new InetSocketAddress("127.0.0.1", 0));
            int port = ((InetSocketAddress) silent.getLocalAddress()).getPort();
            Member lonely = Member.start(input("anyone?\n"), "chat", "127.0.0.1:" + port, "--name", "lonely",
                    "--wait", "500ms");
            assertEquals(1, lonely.exit(), lonely::describe);
            assertEquals(List.of("! no answer from 127.0.0.1:" + port + " within 500 ms"), lonely.err.lines(),
                    lonely::describe);
        }
    }

    @Test
    void shouldReportTheChatServersPortInUseInOneLine() throws Exception {
        try (DatagramChannel taken = DatagramChannel.open()) {
            taken.bind(new InetSocketAddress("127.0.0.1", 0));
            int port = ((InetSocketAddress) taken.getLocalAddress()).getPort();
            Cli.Result r = Cli.run("chat-server", "--bind", "127.0.0.1", "--port", String.valueOf(port));
            String expected = "udpkit: port " + port + " is already in use (udp 127.0.0.1:" + port + ")";
            r.assertUsageError(expected);
            assertEquals(expected, r.errLines().get(0));
            assertEquals("", r.out());
        }
    }

    @Test
    void shouldListTheChatCommandsInTheHelpAndReportTheirMistakesInOneLine() {
        Cli.Result help = Cli.run("--help");
        assertEquals(0, help.exit());
        assertTrue(help.out().contains("chat-server"), help.out());
        assertTrue(help.out().matches("(?s).*\\n\\s+chat\\s+Joins a room.*"), help.out());
        Cli.run("chat", "localhost", "--name", "alice").assertUsageError("needs a port");
        Cli.run("chat", "localhost:12000").assertUsageError("--name");
        Cli.run("chat-server", "--idle-timeout", "soon").assertUsageError("'soon' is not a duration");
        Cli.Result chatHelp = Cli.run("chat", "--help");
        assertEquals(0, chatHelp.exit(), chatHelp.err());
        assertTrue(chatHelp.out().contains("/msg NAME TEXT"), chatHelp.out());
    }

    // ---------------------------------------------------------------- helpers

    private static Cli.Server chatServer() throws Exception {
        Cli cli = new Cli();
        Cli.Running running = cli.start("chat-server", "--bind", "127.0.0.1", "--port", "0");
        ChatServerCommand command = cli.subcommand("chat-server", ChatServerCommand.class);
        InetSocketAddress address;
        try {
            address = command.bound().get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            throw new AssertionError("not bound; out: " + cli.out() + " err: " + cli.err(), e);
        }
        return new Cli.Server(running, address, command::stop);
    }

    private static InputStream input(String text) {
        return new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8));
    }

    private static void assertOrder(List<String> lines, String... regexes) {
        int from = 0;
        for (String regex : regexes) {
            int found = -1;
            for (int i = from; i < lines.size(); i++) {
                if (lines.get(i).matches(regex)) {
                    found = i;
                    break;
                }
            }
            assertTrue(found >= 0, "no line matching " + regex + " after line " + from + " in " + lines);
            from = found + 1;
        }
    }

    /** A {@code udpkit chat} (or any command) running on a thread of its own, with its output as lines to wait on. */
    private record Member(Lines out, Lines err, CompletableFuture<Integer> exitCode) {
        static Member start(InputStream stdin, String... args) {
            Lines out = new Lines();
            Lines err = new Lines();
            CompletableFuture<Integer> exit = new CompletableFuture<>();
            Thread t = new Thread(() -> {
                try {
                    exit.complete(UdpkitCommand.newCommandLine(stdin, false, new PrintWriter(out, true),
                            new PrintWriter(err, true)).execute(args));
                } catch (Throwable e) {
                    exit.completeExceptionally(e);
                }
            }, "chat-member");
            t.setDaemon(true);
            t.start();
            return new Member(out, err, exit);
        }

        int exit() throws Exception {
            return exitCode.get(WAIT.toMillis() * 2, TimeUnit.MILLISECONDS);
        }

        String describe() {
            return "out: " + out.lines() + " err: " + err.lines();
        }
    }

    /** A writer that collects complete lines, which a test can wait for, boundedly. */
    private static final class Lines extends Writer {
        private final StringBuilder partial = new StringBuilder();
        private final List<String> all = new ArrayList<>();
        private final BlockingQueue<String> fresh = new LinkedBlockingQueue<>();
        private int awaited;

        @Override
        public synchronized void write(char[] buf, int off, int len) {
            for (int i = off; i < off + len; i++) {
                char c = buf[i];
                if (c == '\n') {
                    String line = partial.toString();
                    partial.setLength(0);
                    all.add(line);
                    fresh.add(line);
                } else if (c != '\r') {
                    partial.append(c);
                }
            }
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }

        synchronized List<String> lines() {
            return List.copyOf(all);
        }

        /** Waits for a line matching {@code regex} after the one the previous wait matched. */
        String await(String regex) throws InterruptedException {
            Pattern p = Pattern.compile(regex);
            long deadline = System.nanoTime() + WAIT.toNanos();
            while (true) {
                synchronized (this) {
                    for (int i = awaited; i < all.size(); i++) {
                        if (p.matcher(all.get(i)).matches()) {
                            awaited = i + 1;
                            fresh.clear();
                            return all.get(i);
                        }
                    }
                    fresh.clear();
                }
                long left = deadline - System.nanoTime();
                if (left <= 0 || fresh.poll(left, TimeUnit.NANOSECONDS) == null) {
                    return fail("no line matching " + regex + " within " + WAIT.toMillis() + " ms; lines: " + lines());
                }
            }
        }
    }
}
