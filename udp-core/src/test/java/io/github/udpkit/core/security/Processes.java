package io.github.udpkit.core.security;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Runs the other programs the interop tests talk to (python3, openssl, a second JVM) with bounded
 * waits, and says why one cannot run, so its tests report the reason rather than pass.
 */
public final class Processes {
    static final long WAIT_SECONDS = 60;

    private Processes() {
    }

    /** What a finished process wrote and returned. */
    public record Result(int exitCode, String stdout, String stderr) {
    }

    /**
     * Why python3 cannot import a module here, or {@code null} if it can.
     *
     * @param module e.g. {@code cryptography.fernet}
     */
    static String pythonCannotImport(String module) {
        try {
            Result probe = run(List.of("python3", "-c", "import " + module), "");
            return probe.exitCode() == 0 ? null : "python3 cannot import " + module + ": " + probe.stderr().strip();
        } catch (IOException e) {
            return "python3 is not available: " + e.getMessage();
        }
    }

    /** Runs a process with the given stdin, waiting a bounded time; output is drained concurrently. */
    public static Result run(List<String> command, String stdin) throws IOException {
        Process process = new ProcessBuilder(command).start();
        CompletableFuture<byte[]> out = CompletableFuture.supplyAsync(() -> readAll(process.getInputStream()));
        CompletableFuture<byte[]> err = CompletableFuture.supplyAsync(() -> readAll(process.getErrorStream()));
        try (OutputStream in = process.getOutputStream()) {
            in.write(stdin.getBytes(StandardCharsets.UTF_8));
        }
        try {
            if (!process.waitFor(WAIT_SECONDS, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                fail(command.get(0) + " did not finish within " + WAIT_SECONDS + " s");
            }
            return new Result(process.exitValue(),
                    new String(out.get(WAIT_SECONDS, TimeUnit.SECONDS), StandardCharsets.UTF_8),
                    new String(err.get(WAIT_SECONDS, TimeUnit.SECONDS), StandardCharsets.UTF_8));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
            throw new IOException("interrupted waiting for " + command.get(0), e);
        } catch (ExecutionException | TimeoutException e) {
            process.destroyForcibly();
            throw new IOException("could not read the output of " + command.get(0), e);
        }
    }

    private static byte[] readAll(InputStream stream) {
        try (InputStream s = stream) {
            ByteArrayOutputStream buffer = new ByteArrayOutputStream();
            s.transferTo(buffer);
            return buffer.toByteArray();
        } catch (IOException e) {
            return ("(unreadable: " + e + ")").getBytes(StandardCharsets.UTF_8);
        }
    }
}
