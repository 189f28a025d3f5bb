package io.github.udpkit.core.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The committed fuzz seeds named {@code valid-*} really are valid, so fuzzing starts from real inputs. */
class FuzzSeedsTest {

    private static List<Path> validSeeds(String dir) throws IOException, URISyntaxException {
        URL url = FuzzSeedsTest.class.getResource(dir);
        assertNotNull(url, dir);
        try (Stream<Path> files = Files.list(Path.of(url.toURI()))) {
            List<Path> valid = files.filter(p -> p.getFileName().toString().startsWith("valid-")).sorted().toList();
            assertTrue(valid.size() >= 3, "valid seeds in " + dir + ": " + valid);
            return valid;
        }
    }

    @Test
    void shouldHaveFernetSeedsThatDecode() throws Exception {
        Fernet fernet = Fernet.builder(FernetTest.SPEC_SECRET).clock(Clock.fixed(FernetTest.SPEC_NOW, ZoneOffset.UTC)).build();
        for (Path seed : validSeeds("FernetFuzzTestInputs/decodeToken")) {
            assertNotNull(fernet.decrypt(ByteBuffer.wrap(Files.readAllBytes(seed)), Duration.ofSeconds(60)), seed.toString());
        }
    }

    @Test
    void shouldHaveSealedPacketSeedsThatOpen() throws Exception {
        for (Path seed : validSeeds("AeadOpenerFuzzTestInputs/openPacket")) {
            AeadOpener opener = TrafficKeys.fromSecret(AeadAlgorithm.AES_256_GCM, AeadOpenerFuzzTest.SECRET).newOpener();
            byte[] input = Files.readAllBytes(seed);
            ByteBuffer in = ByteBuffer.wrap(input);
            long pn = in.getLong();
            int headerLength = in.get() & 0xFF;
            int sealedOffset = 9 + headerLength;
            int n = opener.open(pn, input, 9, headerLength, input, sealedOffset, input.length - sealedOffset,
                    new byte[input.length], 0);
            assertEquals(input.length - sealedOffset - AeadAlgorithm.TAG_LENGTH, n, seed.toString());
        }
    }

    @Test
    void shouldHaveSignedMessageSeedsThatVerify() throws Exception {
        for (Path seed : validSeeds("SignedMessageFuzzTestInputs/decodeSignedMessage")) {
            assertNotNull(SignedMessageFuzzTest.receiver().decode(ByteBuffer.wrap(Files.readAllBytes(seed))),
                    seed.toString());
        }
    }
}
