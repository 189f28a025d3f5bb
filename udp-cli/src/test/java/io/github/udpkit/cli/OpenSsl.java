package io.github.udpkit.cli;

import io.github.udpkit.api.testing.Proc;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.channels.DatagramChannel;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Assumptions;

/**
 * Runs the {@code openssl} command for DTLS interoperability tests, through {@link Proc}: its
 * standard input kept open for the test to write, its output (standard error merged) read as it
 * comes, every wait bounded. Tests call {@link #assumeInstalled} first, so that where openssl is
 * missing they are reported as skipped with the reason, never passed.
 */
final class OpenSsl implements AutoCloseable {

    static final long WAIT_SECONDS = 15;

    private final Proc process;

    private OpenSsl(Proc process) {
        this.process = process;
    }

    /** Skips the calling test, saying why, unless {@code openssl} runs here. */
    static void assumeInstalled() {
        String missing = Proc.cannotRun(WAIT_SECONDS, "openssl", "version");
        Assumptions.assumeTrue(missing == null, () -> missing + ": the DTLS interoperability tests need openssl "
                + "(.ci/run installs it)");
    }

    /** Runs {@code openssl args...} to its end, within the wait, and returns its exit code and output. */
    static Result run(String... args) throws Exception {
        Proc.Result r = Proc.run(WAIT_SECONDS, "", command(args));
        return new Result(r.exitCode(), r.stdout() + r.stderr());
    }

    record Result(int exit, String output) {}

    /** Starts {@code openssl args...}. */
    static OpenSsl start(String... args) throws IOException {
        return new OpenSsl(Proc.start("openssl", new ProcessBuilder(command(args)).redirectErrorStream(true),
                WAIT_SECONDS));
    }

    private static List<String> command(String... args) {
        List<String> command = new ArrayList<>(List.of("openssl"));
        command.addAll(List.of(args));
        return command;
    }

    /** Writes a line to its standard input. */
    void writeLine(String line) throws IOException {
        process.type(line);
    }

    /** Waits for an output line containing the text, and returns it; fails with all output seen. */
    String awaitLine(String text) throws InterruptedException {
        return process.awaitLine(text);
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
        process.close();
    }
}
