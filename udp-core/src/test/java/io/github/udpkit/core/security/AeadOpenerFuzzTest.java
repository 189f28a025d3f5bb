package io.github.udpkit.core.security;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.ByteBuffer;

/**
 * Fuzzes opening of encrypted packets: whatever arrives, {@link AeadOpener} returns -1 or the
 * plaintext length and never throws, and only an opened packet moves the replay window.
 *
 * <p>Input layout (as the seeds in {@code AeadOpenerFuzzTestInputs/} have it): packet number
 * (8 bytes), header length (1 byte), then header and sealed payload. The {@code valid-*} seeds
 * are packets sealed (with Python's {@code cryptography}, independently) under
 * {@code TrafficKeys.fromSecret(AES_256_GCM, SECRET)}, so the fuzzer starts from authentic packets
 * and mutates them; {@link FuzzSeedsTest} checks that they open. A harness for the frame decoder
 * is this class with the decode call swapped in.
 */
class AeadOpenerFuzzTest {
    static final byte[] SECRET = Hex.range(0x40, 0x60);

    private final AeadOpener opener = TrafficKeys.fromSecret(AeadAlgorithm.AES_256_GCM, SECRET).newOpener();
    private final ReplayWindow window = new ReplayWindow(64);
    private final byte[] plaintext = new byte[65_536];

    @FuzzTest(maxDuration = "10m")
    void openPacket(byte[] input) {
        if (input.length < 9 || input.length > plaintext.length) {
            return;
        }
        ByteBuffer in = ByteBuffer.wrap(input);
        long packetNumber = in.getLong();
        int headerLength = Math.min(in.get() & 0xFF, in.remaining());
        int sealedOffset = in.position() + headerLength;
        if (!window.check(packetNumber)) {
            return;
        }
        int n = opener.open(packetNumber, input, in.position(), headerLength,
                input, sealedOffset, input.length - sealedOffset, plaintext, 0);
        if (n >= 0) {
            window.accept(packetNumber);
            if (n != input.length - sealedOffset - AeadAlgorithm.TAG_LENGTH) {
                throw new IllegalStateException("opened length " + n + " does not match the packet");
            }
        }
    }
}
