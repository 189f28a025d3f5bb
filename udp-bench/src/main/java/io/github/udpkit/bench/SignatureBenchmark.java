package io.github.udpkit.bench;

import io.github.udpkit.core.security.Ed25519;
import io.github.udpkit.core.security.Identity;
import io.github.udpkit.core.security.SignatureVerifier;
import io.github.udpkit.core.security.SignedMessage;
import io.github.udpkit.core.security.Signer;
import io.github.udpkit.core.security.TrustStore;
import java.security.SecureRandom;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Ed25519 signatures and verifications per second on one thread (one core), with the JDK's
 * provider and with Bouncy Castle's: what caps a signed stream, and what a signed chat costs its
 * server (one verification a message) and each member (one each). {@code signMessage} and
 * {@code verifyMessage} add udpkit's signed-message format and replay window around the raw
 * operation, with a payload the size of a chat line. Not final: JMH generates subclasses of it.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Threads(1)
@Fork(1)
public class SignatureBenchmark {

    /** The JCA provider: the JDK's own, or Bouncy Castle's. */
    @Param({"jdk", "bc"})
    public String provider;

    private Identity identity;
    private Ed25519 ed25519;
    private Signer signer;
    private SignatureVerifier verifier;
    private byte[] payload;
    private byte[] signature;
    private SignedMessage template;

    /** Makes an identity with the chosen provider and one signature for the verify benchmarks. */
    @Setup
    public void setUp() {
        ed25519 = provider.equals("bc") ? Ed25519.of(new BouncyCastleProvider()) : Ed25519.jdk();
        identity = Identity.generate(ed25519, new SecureRandom());
        signer = Signer.of(identity, "alice", 1);
        payload = new byte[64];
        new SecureRandom().nextBytes(payload);
        signature = identity.sign(payload);
        verifier = SignatureVerifier.builder(TrustStore.pinned(Map.of("alice", identity.publicIdentity())))
                .ed25519(ed25519).build();
        template = signer.sign("lobby", payload);
    }

    /** One raw Ed25519 signature of 64 bytes. */
    @Benchmark
    public byte[] sign() {
        return identity.sign(payload);
    }

    /** One raw Ed25519 verification of 64 bytes (the key decoded each time, as a receiver of many signers does). */
    @Benchmark
    public boolean verify() {
        return ed25519.verify(identity.publicIdentity(), payload, signature);
    }

    /** A signed message: the labelled, context-bound string signed, and the message encoded. */
    @Benchmark
    public byte[] signMessage() {
        return signer.sign("lobby", payload).encode();
    }

    /**
     * A signed message checked by a verifier: its pinned key, then the signature over the labelled,
     * context-bound string. (Without the replay window, whose bookkeeping costs nanoseconds, so
     * that one valid message can be checked again and again.)
     */
    @Benchmark
    public TrustStore.Verdict verifyMessage() {
        return verifier.verifyArchived("lobby", template, "alice");
    }
}
