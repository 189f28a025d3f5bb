package io.github.udpkit.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine;

/**
 * Runs the udpkit command in-process as {@link Main} does, with captured standard output and error
 * and a given standard input, on the calling thread or on a thread of its own.
 */
final class Cli {

    static final Duration WAIT = Duration.ofSeconds(10);

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();
    private final CommandLine commandLine;

    Cli(InputStream stdin, boolean interactive) {
        this.commandLine = UdpkitCommand.newCommandLine(stdin, interactive,
                new PrintWriter(out, true), new PrintWriter(err, true));
    }

    Cli() {
        this(InputStream.nullInputStream(), false);
    }

    /** A command line reading {@code stdin} as UTF-8. */
    static Cli withInput(String stdin, boolean interactive) {
        return new Cli(new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)), interactive);
    }

    /** Runs a command to its end. */
    static Result run(String... args) {
        return new Cli().execute(args);
    }

    Result execute(String... args) {
        int exit = commandLine.execute(args);
        return new Result(exit, out.toString(), err.toString());
    }

    /** The object of a subcommand, e.g. to ask a server where it is bound or to stop it. */
    <T> T subcommand(String name, Class<T> type) {
        return type.cast(commandLine.getSubcommands().get(name).getCommand());
    }

    /** Starts a command on a thread of its own. */
    Running start(String... args) {
        CompletableFuture<Result> result = new CompletableFuture<>();
        Thread t = new Thread(() -> {
            try {
                result.complete(execute(args));
            } catch (Throwable e) {
                result.completeExceptionally(e);
            }
        }, "cli-" + String.join("-", Arrays.asList(args).subList(0, Math.min(1, args.length))));
        t.setDaemon(true);
        t.start();
        return new Running(this, result);
    }

    String out() {
        return out.toString();
    }

    String err() {
        return err.toString();
    }

    /** A command running on its own thread. */
    record Running(Cli cli, CompletableFuture<Result> result) {
        /** Waits for the command to end. */
        Result await() throws Exception {
            return result.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    /** Starts {@code echo-server} with the given options on 127.0.0.1, port 0, and waits until it is bound. */
    static Server echoServer(String... options) throws Exception {
        Cli cli = new Cli();
        String[] args = concat(new String[] {"echo-server", "--bind", "127.0.0.1", "--port", "0"}, options);
        Running running = cli.start(args);
        EchoServerCommand command = cli.subcommand("echo-server", EchoServerCommand.class);
        InetSocketAddress address = awaitBound(command.bound(), running);
        return new Server(running, address, command::stop);
    }

    /** Starts {@code listen} with the given options on 127.0.0.1, port 0, and waits until it is bound. */
    static Server listen(String... options) throws Exception {
        Cli cli = new Cli();
        String[] args = concat(new String[] {"listen", "--bind", "127.0.0.1", "--port", "0"}, options);
        Running running = cli.start(args);
        ListenCommand command = cli.subcommand("listen", ListenCommand.class);
        InetSocketAddress address = awaitBound(command.bound(), running);
        return new Server(running, address, command::stop);
    }

    private static InetSocketAddress awaitBound(CompletableFuture<InetSocketAddress> bound, Running running)
            throws Exception {
        try {
            return bound.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            throw new AssertionError("not bound; out: " + running.cli().out() + " err: " + running.cli().err(), e);
        }
    }

    static String[] concat(String[] a, String... b) {
        String[] all = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        return all;
    }

    /** A serving command: where it is, and how to stop it. */
    record Server(Running running, InetSocketAddress address, Runnable stopper) implements AutoCloseable {
        int port() {
            return address.getPort();
        }

        String hostPort() {
            return "127.0.0.1:" + port();
        }

        /** Stops the command and returns how it ended. */
        Result stop() throws Exception {
            stopper.run();
            return running.await();
        }

        @Override
        public void close() {
            stopper.run();
        }
    }

    /** How a command ended. */
    record Result(int exit, String out, String err) {
        List<String> outLines() {
            return out.lines().toList();
        }

        List<String> errLines() {
            return err.lines().toList();
        }

        /** Asserts the command failed with exit code 2 and one line on standard error, no stack trace. */
        void assertUsageError(String expectedFragment) {
            assertEquals(2, exit, () -> "exit code; err: " + err);
            assertOneCleanErrorLine(expectedFragment);
        }

        void assertOneCleanErrorLine(String expectedFragment) {
            assertEquals(1, errLines().size(), () -> "exactly one line on stderr: " + err);
            assertTrue(err.startsWith("udpkit: "), err);
            assertTrue(err.contains(expectedFragment), () -> "expected '" + expectedFragment + "' in: " + err);
            assertFalse(err.contains("Exception"), err);
            assertFalse(err.contains("\tat "), err);
            assertFalse(err.contains("    at "), err);
        }
    }
}
