package io.github.udpkit.core.security;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.github.udpkit.api.Codec;
import io.github.udpkit.api.CodecException;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;

/**
 * Fuzzes Fernet token decoding, the path a Python peer's datagrams take. The harness pattern for
 * every network decoder: feed the bytes, allow only the decoder's own failure; anything else that
 * escapes is a finding. Seeds (valid tokens among them) are in {@code FernetFuzzTestInputs/}.
 */
class FernetFuzzTest {
    // The clock sits at the spec token's time so that the valid seeds also pass the TTL check.
    private static final Codec<byte[]> CODEC = Fernet.builder(FernetTest.SPEC_SECRET)
            .clock(Clock.fixed(FernetTest.SPEC_NOW, ZoneOffset.UTC))
            .build()
            .asCodec(Duration.ofSeconds(60));

    @FuzzTest(maxDuration = "10m")
    void decodeToken(byte[] datagram) {
        try {
            CODEC.decode(datagram);
        } catch (CodecException expected) {
            // the one permitted failure
        }
    }
}
