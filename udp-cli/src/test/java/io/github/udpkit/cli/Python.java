package io.github.udpkit.cli;

import io.github.udpkit.api.testing.Proc;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Assumptions;

/**
 * Runs a Python script for interoperability tests, through {@link Proc}: every wait bounded, the
 * script's output read line by line as it comes. Tests call {@link #assumeModule} first, so they
 * are skipped, not failed, where python3 or the module is missing.
 */
final class Python implements AutoCloseable {

    static final long WAIT_SECONDS = 20;

    private final Proc process;

    private Python(Proc process) {
        this.process = process;
    }

    /** Skips the calling test unless {@code python3} can import {@code module}. */
    static void assumeModule(String module) {
        String missing = Proc.cannotRun(WAIT_SECONDS, "python3", "-c", "import " + module);
        Assumptions.assumeTrue(missing == null, () -> "python3 with " + module + " is not installed here: " + missing);
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
        return new Python(Proc.start("python3", pb, WAIT_SECONDS));
    }

    /** The next line the script prints, waiting at most {@link #WAIT_SECONDS}. */
    String nextLine() throws Exception {
        return process.nextLine();
    }

    /** Waits for the script to end and returns its exit code. */
    int await() throws Exception {
        return process.awaitExit();
    }

    /** What the script printed to standard error (for failure messages). */
    String stderr() {
        return process.err();
    }

    @Override
    public void close() {
        process.close();
    }
}
