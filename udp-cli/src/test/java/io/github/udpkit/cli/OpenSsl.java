package io.github.udpkit.cli;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.channels.DatagramChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * Runs the {@code openssl} command for DTLS interoperability tests: its standard input kept open
 * for the test to write, its output (standard error merged) read line by line as it comes, every
 * wait bounded. Tests call {@link #assumeInstalled} first, so that where openssl is missing they
 * are reported as skipped with the reason, never passed.
 */
final class OpenSsl implements AutoCloseable {

    static final long WAIT_SECONDS = 15;

    private final Process process;
    private final OutputStream stdin;
    private final LinkedBlockingQueue<String> lines = new LinkedBlockingQueue<>();
    private final List<String> seen = new ArrayList<>();

    private OpenSsl(Process process) {
        this.process = process;
        this.stdin = process.getOutputStream();
        Processes.pipeLines(process.getInputStream(), lines, "openssl-output");
    }

    /** Skips the calling test, saying why, unless {@code openssl} runs here. */
    static void assumeInstalled() {
        Assumptions.assumeTrue(Processes.succeeds(WAIT_SECONDS, "openssl", "version"), "openssl is not installed "
                + "here: the DTLS interoperability tests need it (.ci/run installs it)");
    }

    /** Runs {@code openssl args...} to its end, within the wait, and returns its exit code and output. */
    static Result run(String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("openssl"));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        p.getOutputStream().close();
        if (!p.waitFor(WAIT_SECONDS, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("openssl " + String.join(" ", args) + " did not finish");
        }
        return new Result(p.exitValue(), new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
    }

    record Result(int exit, String output) {}

    /** Starts {@code openssl args...}. */
    static OpenSsl start(String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of("openssl"));
        command.addAll(List.of(args));
        return new OpenSsl(new ProcessBuilder(command).redirectErrorStream(true).start());
    }

    /** Writes a line to its standard input. */
    void writeLine(String line) throws IOException {
        stdin.write((line + "\n").getBytes(StandardCharsets.UTF_8));
        stdin.flush();
    }

    /** Waits for an output line containing the text, and returns it; fails with all output seen. */
    String awaitLine(String text) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_SECONDS);
        for (String line : seen) {
            if (line.contains(text)) {
                return line;
            }
        }
        while (true) {
            long left = end - System.nanoTime();
            String line = left > 0 ? lines.poll(left, TimeUnit.NANOSECONDS) : null;
            if (line == null) {
                throw new AssertionError("openssl printed no line with '" + text + "' within " + WAIT_SECONDS
                        + " s; it printed:\n" + String.join("\n", seen));
            }
            seen.add(line);
            if (line.contains(text)) {
                return line;
            }
        }
    }

    /** A free UDP port on loopback, for openssl, which cannot be given port 0 and say what it got. */
    static int freeUdpPort() throws IOException {
        try (DatagramChannel c = DatagramChannel.open()) {
            c.bind(new InetSocketAddress("127.0.0.1", 0));
            return ((InetSocketAddress) c.getLocalAddress()).getPort();
        }
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(WAIT_SECONDS, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
