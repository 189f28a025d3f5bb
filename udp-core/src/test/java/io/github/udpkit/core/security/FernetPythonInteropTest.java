package io.github.udpkit.core.security;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.github.udpkit.api.testing.Proc;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Tokens made by Java decrypt in Python's {@code cryptography.fernet}, and the other way round.
 * Skipped, with the reason, where python3 with {@code cryptography} is not installed.
 */
@Timeout(90)
class FernetPythonInteropTest {
    /**
     * Reads "key" then lines "J hex token" (decrypt this Java token with ttl 60, print "D hex") and
     * "P hex" (encrypt these bytes, print "T token").
     */
    private static final String SCRIPT = String.join("\n",
            "import sys",
            "from cryptography.fernet import Fernet",
            "lines = sys.stdin.read().splitlines()",
            "f = Fernet(lines[0].encode())",
            "for line in lines[1:]:",
            "    kind, rest = line.split(' ', 1)",
            "    if kind == 'J':",
            "        print('D ' + f.decrypt(rest.split(' ')[1].encode(), ttl=60).hex())",
            "    else:",
            "        print('T ' + f.encrypt(bytes.fromhex(rest)).decode())",
            "");

    private static final List<byte[]> MESSAGES = List.of(
            new byte[0],
            "hello from udpkit".getBytes(StandardCharsets.UTF_8),
            "안녕하세요, 파이썬 ☃".getBytes(StandardCharsets.UTF_8),
            Hex.range(0, 256),
            new byte[1500]);

    private static final long WAIT_SECONDS = 60;

    /** Why the tests cannot run here, or {@code null} if they can; probed once. */
    private static String unavailable;

    @BeforeAll
    static void probePythonCryptography() {
        unavailable = Proc.cannotRun(WAIT_SECONDS, "python3", "-c", "import cryptography.fernet");
    }

    /** Checked per test, so that each is reported as skipped with the reason. */
    @BeforeEach
    void requirePythonCryptography() {
        assumeTrue(unavailable == null, () -> "skipped, interop needs Python's cryptography: " + unavailable);
    }

    @Test
    void shouldExchangeTokensWithPythonBothWays() throws IOException {
        String key = Fernet.generateKey();
        Fernet fernet = Fernet.create(key);
        StringBuilder input = new StringBuilder(key).append('\n');
        List<String> javaTokens = new ArrayList<>();
        for (byte[] message : MESSAGES) {
            String token = fernet.encrypt(message);
            javaTokens.add(token);
            input.append("J ").append(HexFormat.of().formatHex(message)).append(' ').append(token).append('\n');
        }
        for (byte[] message : MESSAGES) {
            input.append("P ").append(HexFormat.of().formatHex(message)).append('\n');
        }
        Proc.Result result = Proc.run(WAIT_SECONDS, input.toString(), List.of("python3", "-c", SCRIPT));
        assertEquals(0, result.exitCode(), () -> "python3 failed: " + result.stderr());

        String[] lines = result.stdout().strip().split("\n");
        assertEquals(2 * MESSAGES.size(), lines.length, result.stdout());
        for (int i = 0; i < MESSAGES.size(); i++) {
            assertEquals(("D " + HexFormat.of().formatHex(MESSAGES.get(i))).strip(), lines[i].strip(),
                    "Python decrypting Java's token " + javaTokens.get(i));
        }
        for (int i = 0; i < MESSAGES.size(); i++) {
            String line = lines[MESSAGES.size() + i].strip();
            assertTrue(line.startsWith("T "), line);
            String pythonToken = line.substring(2);
            assertArrayEquals(MESSAGES.get(i), fernet.decrypt(pythonToken, Duration.ofSeconds(60)),
                    "Java decrypting Python's token " + pythonToken);
            assertArrayEquals(MESSAGES.get(i), fernet.asCodec().decode(pythonToken.getBytes(StandardCharsets.US_ASCII)));
        }
    }

    @Test
    void shouldBeRejectedByPythonWhenTampered() throws IOException {
        String key = Fernet.generateKey();
        char[] token = Fernet.create(key).encrypt("secret".getBytes(StandardCharsets.UTF_8)).toCharArray();
        token[40] = token[40] == 'A' ? 'B' : 'A';
        String script = "import sys\nfrom cryptography.fernet import Fernet, InvalidToken\n"
                + "k, t = sys.stdin.read().split()\n"
                + "try:\n    Fernet(k.encode()).decrypt(t.encode())\n    print('accepted')\n"
                + "except InvalidToken:\n    print('rejected')\n";
        Proc.Result result = Proc.run(WAIT_SECONDS, key + "\n" + new String(token) + "\n", List.of("python3", "-c", script));
        assertEquals(0, result.exitCode(), () -> "python3 failed: " + result.stderr());
        assertEquals("rejected", result.stdout().strip());
    }
}
