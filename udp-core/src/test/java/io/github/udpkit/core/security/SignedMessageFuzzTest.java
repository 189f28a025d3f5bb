package io.github.udpkit.core.security;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.github.udpkit.api.CodecException;
import io.github.udpkit.api.Codecs;
import java.util.HexFormat;
import java.util.Map;

/**
 * Fuzzes the decoding and verification of signed messages, the path every signed datagram takes:
 * only a {@link CodecException} (a {@link SignatureRejectedException} among them) may escape.
 * Seeds (valid messages among them, signed by RFC 8032 test 1's key as alice in context
 * {@code lobby}) are in {@code SignedMessageFuzzTestInputs/}.
 */
class SignedMessageFuzzTest {
    /** RFC 8032 test 1's secret key, the signer of the valid seeds. */
    static final byte[] ALICE_SEED =
            HexFormat.of().parseHex("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60");
    static final PublicIdentity ALICE = Identity.fromSeed(ALICE_SEED, Ed25519.jdk()).publicIdentity();

    /** A codec as a receiver holds it: alice pinned, context {@code lobby}; fresh, so no seed is a replay. */
    static SignedCodec<byte[]> receiver() {
        return SignedCodec.builder(Codecs.bytes()).context("lobby")
                .verifier(SignatureVerifier.of(TrustStore.pinned(Map.of("alice", ALICE)))).build();
    }

    @FuzzTest(maxDuration = "10m")
    void decodeSignedMessage(byte[] datagram) {
        try {
            receiver().decode(datagram);
        } catch (CodecException expected) {
            // the one permitted failure
        }
    }
}
