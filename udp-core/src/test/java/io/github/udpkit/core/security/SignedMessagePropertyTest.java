package io.github.udpkit.core.security;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.github.udpkit.api.CodecException;
import io.github.udpkit.api.Codecs;
import java.nio.ByteBuffer;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

/**
 * The contract of a signed message: any change to any byte of it is refused, whatever the payload,
 * context and name, and the unchanged message is accepted.
 */
class SignedMessagePropertyTest {

    private static final Identity ALICE = Identity.generate();

    @Provide
    Arbitrary<String> names() {
        return Arbitraries.strings().withCharRange('a', 'z').ofMinLength(0).ofMaxLength(12);
    }

    @Property(tries = 400)
    void anyChangedByteIsRefused(@ForAll @Size(max = 64) byte[] payload,
                                 @ForAll("names") String context,
                                 @ForAll("names") String name,
                                 @ForAll @IntRange(min = 0, max = 10_000) int position,
                                 @ForAll @IntRange(min = 1, max = 255) int flip) {
        SignedCodec<byte[]> codec = SignedCodec.builder(Codecs.bytes()).context(context)
                .signer(Signer.of(ALICE, name, 77))
                .verifier(SignatureVerifier.of(TrustStore.trustOnFirstUse(10)))
                .build();
        byte[] signed = codec.encode(payload);
        byte[] altered = signed.clone();
        int at = position % altered.length;
        altered[at] ^= (byte) flip;
        assertThrows(CodecException.class, () -> codec.decode(ByteBuffer.wrap(altered)),
                () -> "byte " + at + " of " + signed.length + " changed, yet accepted");
        assertArrayEquals(payload, codec.decode(ByteBuffer.wrap(signed)), "the unchanged message is accepted");
    }

    @Property(tries = 200)
    void anyTruncationOrExtensionIsRefused(@ForAll @Size(min = 1, max = 64) byte[] payload,
                                           @ForAll @IntRange(min = 1, max = 200) int cut,
                                           @ForAll byte extra) {
        SignedCodec<byte[]> codec = SignedCodec.builder(Codecs.bytes()).context("c")
                .signer(Signer.of(ALICE, "alice", 5))
                .verifier(SignatureVerifier.of(TrustStore.trustOnFirstUse(10)))
                .build();
        byte[] signed = codec.encode(payload);
        byte[] truncated = java.util.Arrays.copyOf(signed, Math.max(0, signed.length - cut));
        byte[] extended = java.util.Arrays.copyOf(signed, signed.length + 1);
        extended[signed.length] = extra;
        assertThrows(CodecException.class, () -> codec.decode(ByteBuffer.wrap(truncated)));
        assertThrows(CodecException.class, () -> codec.decode(ByteBuffer.wrap(extended)));
        assertEquals(payload.length, codec.decode(ByteBuffer.wrap(signed)).length);
    }
}
