package io.github.udpkit.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The seeds' Python clients, run unchanged but for the server's host and port, against
 * {@code udpkit echo-server --upper}: they must get upper-cased replies. The scripts are verbatim
 * copies kept in {@code src/test/resources/seeds/} with {@code ${HOST}} and {@code ${PORT}} where the
 * seeds name their server. Skipped when {@code python3} is not installed.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class PythonSeedInteropTest {

    private static final long PROCESS_WAIT_SECONDS = 20;

    @TempDir
    Path dir;

    @BeforeAll
    static void requirePython() {
        Assumptions.assumeTrue(Processes.succeeds(PROCESS_WAIT_SECONDS, "python3", "--version"), "python3 is not "
                + "installed: the interoperability test with the seeds' Python clients needs it");
    }

    @Test
    void shouldServeSeed001UdpClient() throws Exception {
        try (Cli.Server server = Cli.echoServer("--upper")) {
            Py py = runSeed("udp_client_001.py", server.port(), "hello from python, straße\n");
            assertEquals(0, py.exit(), py::describe);
            assertEquals("Input lowercase sentence:HELLO FROM PYTHON, STRASSE\n", py.out(), py::describe);
        }
    }

    @Test
    void shouldServeSeed002UdpClient() throws Exception {
        try (Cli.Server server = Cli.echoServer("--upper")) {
            // The seed's client loops for ever: the end of input ends it with EOFError, as it would a user's.
            Py py = runSeed("udp_client_002.py", server.port(), "hello\n안녕하세요 udp\n");
            assertEquals("->HELLO\n->안녕하세요 UDP\n->", py.out(), py::describe);
            assertTrue(py.err().contains("EOFError"), py::describe);
        }
    }

    @Test
    void shouldServeSeed002TcpClient() throws Exception {
        try (Cli.Server server = Cli.echoServer("--upper", "--tcp")) {
            Py py = runSeed("tcp_client_002.py", server.port(), "hello tcp\ngrüße, 세계\n");
            assertEquals("->HELLO TCP\n->GRÜSSE, 세계\n->", py.out(), py::describe);
            assertTrue(py.err().contains("EOFError"), py::describe);
        }
    }

    /** Runs a seed script with its server set to 127.0.0.1:port, feeding it {@code input}. */
    private Py runSeed(String name, int port, String input) throws Exception {
        String source;
        try (InputStream in = PythonSeedInteropTest.class.getResourceAsStream("/seeds/" + name)) {
            source = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        assertTrue(source.contains("${HOST}") && source.contains("${PORT}"), name + " has the placeholders");
        Path script = dir.resolve(name);
        Files.writeString(script, source.replace("${HOST}", "127.0.0.1").replace("${PORT}", String.valueOf(port)));
        ProcessBuilder pb = new ProcessBuilder("python3", script.toString());
        pb.environment().put("PYTHONIOENCODING", "utf-8");
        Process p = pb.start();
        CompletableFuture<String> out = drain(p.getInputStream());
        CompletableFuture<String> err = drain(p.getErrorStream());
        try (OutputStream stdin = p.getOutputStream()) {
            stdin.write(input.getBytes(StandardCharsets.UTF_8));
        }
        if (!p.waitFor(PROCESS_WAIT_SECONDS, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError(name + " did not finish within " + PROCESS_WAIT_SECONDS + " s");
        }
        return new Py(p.exitValue(), out.get(PROCESS_WAIT_SECONDS, TimeUnit.SECONDS),
                err.get(PROCESS_WAIT_SECONDS, TimeUnit.SECONDS));
    }

    private static CompletableFuture<String> drain(InputStream in) {
        CompletableFuture<String> f = new CompletableFuture<>();
        Thread t = new Thread(() -> {
            try (in) {
                f.complete(new String(in.readAllBytes(), StandardCharsets.UTF_8));
            } catch (IOException e) {
                f.completeExceptionally(e);
            }
        }, "python-output");
        t.setDaemon(true);
        t.start();
        return f;
    }

    private record Py(int exit, String out, String err) {
        String describe() {
            return "exit " + exit + "\nstdout: " + out + "\nstderr: " + err;
        }
    }
}
