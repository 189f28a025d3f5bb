package io.github.udpkit.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * Runs a Python script for interoperability tests: every wait bounded, the script's output read
 * line by line as it comes. Tests call {@link #assumeModule} first, so they are skipped, not
 * failed, where python3 or the module is missing.
 */
final class Python implements AutoCloseable {

    static final long WAIT_SECONDS = 20;

    private final Process process;
    private final LinkedBlockingQueue<String> lines = new LinkedBlockingQueue<>();
    private final CompletableFuture<String> err;

    private Python(Process process) {
        this.process = process;
        Processes.pipeLines(process.getInputStream(), lines, "python-stdout");
        this.err = CompletableFuture.supplyAsync(() -> {
            try {
                return new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                return "(stderr failed: " + e + ")";
            }
        });
    }

    /** Skips the calling test unless {@code python3} can import {@code module}. */
    static void assumeModule(String module) {
        Assumptions.assumeTrue(Processes.succeeds(WAIT_SECONDS, "python3", "-c", "import " + module),
                "python3 with " + module + " is not installed here");
    }

    /** Starts {@code python3 script args...}, the script written to {@code dir}. */
    static Python start(Path dir, String source, String... args) throws IOException {
        Path script = Files.createTempFile(dir, "script", ".py");
        Files.writeString(script, source);
        List<String> command = new ArrayList<>(List.of("python3", script.toString()));
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command);
        pb.environment().put("PYTHONIOENCODING", "utf-8");
        pb.environment().put("PYTHONUNBUFFERED", "1");
        return new Python(pb.start());
    }

    /** The next line the script prints, waiting at most {@link #WAIT_SECONDS}. */
    String nextLine() throws Exception {
        String line = lines.poll(WAIT_SECONDS, TimeUnit.SECONDS);
        if (line == null) {
            throw new AssertionError("python printed nothing within " + WAIT_SECONDS + " s; stderr: " + stderrSoFar());
        }
        return line;
    }

    /** Waits for the script to end and returns its exit code. */
    int await() throws Exception {
        if (!process.waitFor(WAIT_SECONDS, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("python did not finish within " + WAIT_SECONDS + " s");
        }
        return process.exitValue();
    }

    /** What the script printed to standard error, once it has ended (for failure messages). */
    String stderr() {
        try {
            return err.get(WAIT_SECONDS, TimeUnit.SECONDS);
        } catch (Exception e) {
            return "(stderr not available: " + e + ")";
        }
    }

    private String stderrSoFar() {
        return err.isDone() ? err.join() : "(still running)";
    }

    @Override
    public void close() {
        process.destroyForcibly();
    }
}
