package io.github.udpkit.core.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.github.udpkit.api.Codecs;
import io.github.udpkit.api.Endpoint;
import io.github.udpkit.api.EndpointStats;
import io.github.udpkit.api.Message;
import io.github.udpkit.api.testing.Proc;
import io.github.udpkit.core.Udp;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * udpkit's signed RAW datagrams and Python's {@code cryptography} Ed25519, both directions, over
 * real UDP on 127.0.0.1: Python verifies what udpkit signed (and refuses a tampered copy), and a
 * udpkit endpoint accepts what Python signed. Skipped, with the reason, without python3 and
 * {@code cryptography}.
 */
@Timeout(90)
class SignaturePythonInteropTest {
    private static final long WAIT_SECONDS = 30;
    private static final String CONTEXT = "interop/room-1";

    private static String unavailable;

    @TempDir
    Path dir;

    @BeforeAll
    static void probePythonCryptography() {
        unavailable = Proc.cannotRun(WAIT_SECONDS, "python3", "-c", "import cryptography.hazmat.primitives.asymmetric.ed25519");
    }

    @BeforeEach
    void requirePythonCryptography() {
        assumeTrue(unavailable == null, () -> "skipped, interop needs Python's cryptography: " + unavailable);
    }

    @Test
    void shouldExchangeSignedDatagramsWithPythonBothWays() throws Exception {
        Identity udpkit = Identity.generate();
        Identity python = Identity.generate(Ed25519.jdk(), new SecureRandom());
        byte[] pythonSeed = Ed25519.seedFromPkcs8(java.util.Base64.getMimeDecoder().decode(
                python.toPem().replaceAll("-----[A-Z ]+-----", "")), "test key");
        List<String> javaPayloads = List.of("hello from udpkit", "안녕, 파이썬 ☃", "");
        List<String> pythonPayloads = List.of("hello from python", "second");

        Path script = dir.resolve("signed_peer.py");
        try (InputStream in = getClass().getResourceAsStream("signed_peer.py")) {
            Files.write(script, in.readAllBytes());
        }
        SignatureVerifier verifier = SignatureVerifier.of(TrustStore.pinned(Map.of("python", python.publicIdentity())));
        Signer signer = Signer.of(udpkit, "udpkit");
        try (Endpoint<String> java = Udp.endpoint(Codecs.utf8()).bind("127.0.0.1", 0)
                .signWith(signer).verifyWith(verifier).signatureContext(CONTEXT).open()) {
            List<String> command = new ArrayList<>(List.of("python3", script.toString(), CONTEXT,
                    Integer.toString(java.localAddress().getPort()), HexFormat.of().formatHex(pythonSeed),
                    Integer.toString(javaPayloads.size() + 1)));
            pythonPayloads.forEach(p -> command.add(HexFormat.of().formatHex(p.getBytes(StandardCharsets.UTF_8))));
            try (Proc pythonPeer = Proc.start("python3", new ProcessBuilder(command).redirectErrorStream(true),
                    WAIT_SECONDS)) {
                String port = pythonPeer.nextLine();
                assertTrue(port.startsWith("PORT "), port);
                InetSocketAddress peer = new InetSocketAddress("127.0.0.1", Integer.parseInt(port.substring(5)));

                for (String payload : javaPayloads) {
                    java.send(payload).to(peer);
                }
                byte[] tampered = SignedCodec.builder(Codecs.utf8()).context(CONTEXT).signer(signer).build()
                        .encode("tampered");
                tampered[tampered.length - 1] ^= 1;
                try (Endpoint<byte[]> raw = Udp.endpoint(Codecs.bytes()).bind("127.0.0.1", 0).open()) {
                    raw.send(tampered).to(peer);
                }
                long first = -1;
                for (String payload : javaPayloads) {
                    String line = pythonPeer.nextLine();
                    String[] f = line.split(" ", -1);
                    assertEquals("OK", f[0], line);
                    assertEquals("udpkit", f[1], line);
                    assertEquals(HexFormat.of().formatHex(payload.getBytes(StandardCharsets.UTF_8)), f[3], line);
                    long seq = Long.parseLong(f[2]);
                    assertTrue(first < 0 || seq == first + javaPayloads.indexOf(payload), line);
                    first = first < 0 ? seq : first;
                }
                assertEquals("BAD InvalidSignature", pythonPeer.nextLine(), "Python refuses the tampered datagram");

                assertEquals("SENT " + pythonPayloads.size(), pythonPeer.nextLine());
                for (String payload : pythonPayloads) {
                    Message<String> m = java.receive(Duration.ofSeconds(WAIT_SECONDS));
                    assertEquals(payload, m.payload());
                }
                EndpointStats stats = java.stats();
                assertEquals(0, stats.badSignatures() + stats.unknownKeys() + stats.decodeFailures(), stats::toString);
            }
        }
    }
}
