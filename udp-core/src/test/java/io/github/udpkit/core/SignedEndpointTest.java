package io.github.udpkit.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.udpkit.api.Codec;
import io.github.udpkit.api.Codecs;
import io.github.udpkit.api.DeliveryMode;
import io.github.udpkit.api.Endpoint;
import io.github.udpkit.api.EndpointStats;
import io.github.udpkit.api.Message;
import io.github.udpkit.core.security.Identity;
import io.github.udpkit.core.security.SignatureVerifier;
import io.github.udpkit.core.security.Signed;
import io.github.udpkit.core.security.SignedCodec;
import io.github.udpkit.core.security.Signer;
import io.github.udpkit.core.security.TrustStore;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Signed endpoints over real sockets on 127.0.0.1: what is signed arrives, every forgery is dropped
 * and counted under its own cause, and the application never sees one.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class SignedEndpointTest {

    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final Identity ALICE = Identity.generate();
    private static final Identity MALLORY = Identity.generate();

    private static Codec<String> signing(Signer signer, String context) {
        return SignedCodec.builder(Codecs.utf8()).context(context).signer(signer).build();
    }

    @Test
    void shouldDropEachForgeryUnderItsCauseInRawMode() {
        SignatureVerifier verifier = SignatureVerifier.of(TrustStore.trustOnFirstUse(100));
        Signer aliceSigner = Signer.of(ALICE, "alice");
        try (Endpoint<String> bob = Udp.endpoint(Codecs.utf8()).bind("127.0.0.1", 0)
                     .verifyWith(verifier).signatureContext("lobby").open();
             Endpoint<String> alice = Udp.endpoint(Codecs.utf8()).bind("127.0.0.1", 0)
                     .signWith(aliceSigner).signatureContext("lobby").open();
             Endpoint<byte[]> wire = Udp.endpoint(Codecs.bytes()).bind("127.0.0.1", 0).open()) {
            InetSocketAddress to = bob.localAddress();
            alice.send("hello").to(to);
            assertEquals("hello", bob.receive(WAIT).payload());

            Codec<String> aliceCodec = signing(aliceSigner, "lobby");
            byte[] genuine = aliceCodec.encode("genuine");
            wire.send(genuine).to(to);
            assertEquals("genuine", bob.receive(WAIT).payload());
            wire.send(genuine).to(to);                                                     // replayed
            byte[] altered = aliceCodec.encode("pay mallory 10");
            altered[altered.length - 2] ^= 1;
            wire.send(altered).to(to);                                                     // altered
            wire.send(signing(aliceSigner, "dev").encode("moved")).to(to);              // another context
            wire.send(signing(Signer.of(MALLORY, "alice"), "lobby").encode("I am alice")).to(to);     // changed key
            wire.send("not signed at all".getBytes()).to(to);                              // not a signed message
            alice.send("after the forgeries").to(to);

            assertEquals("after the forgeries", bob.receive(WAIT).payload(), "no forgery was delivered");
            EndpointStats stats = bob.stats();
            assertEquals(1, stats.replayedSequences(), stats::toString);
            assertEquals(2, stats.badSignatures(), stats::toString);
            assertEquals(1, stats.changedKeys(), stats::toString);
            assertEquals(1, stats.decodeFailures(), stats::toString);
            assertEquals(0, stats.unknownKeys(), stats::toString);
            assertEquals(3, stats.messagesDelivered(), stats::toString);
        }
    }

    @Test
    void shouldCountUnknownKeysWhenPinned() {
        TrustStore pinned = TrustStore.pinned(Map.of("alice", ALICE.publicIdentity()));
        try (Endpoint<String> bob = Udp.endpoint(Codecs.utf8()).bind("127.0.0.1", 0)
                     .verifyWith(SignatureVerifier.of(pinned)).open();
             Endpoint<String> mallory = Udp.endpoint(Codecs.utf8()).bind("127.0.0.1", 0)
                     .signWith(Signer.of(MALLORY, "mallory")).open();
             Endpoint<String> alice = Udp.endpoint(Codecs.utf8()).bind("127.0.0.1", 0)
                     .signWith(Signer.of(ALICE, "alice")).open()) {
            mallory.send("let me in").to(bob.localAddress());
            alice.send("hi").to(bob.localAddress());
            assertEquals("hi", bob.receive(WAIT).payload());
            assertEquals(1, bob.stats().unknownKeys(), bob.stats()::toString);
        }
    }

    @Test
    void shouldSignReliableMessagesEndToEndAndTellWhoSigned() {
        SignedCodec<String> verifying = SignedCodec.builder(Codecs.utf8()).context("t")
                .verifier(SignatureVerifier.of(TrustStore.trustOnFirstUse(10))).build();
        try (Endpoint<Signed<String>> bob = Udp.endpoint(verifying.withSigner()).mode(DeliveryMode.RELIABLE)
                     .bind("127.0.0.1", 0).open();
             Endpoint<String> alice = Udp.endpoint(Codecs.utf8()).mode(DeliveryMode.RELIABLE).bind("127.0.0.1", 0)
                     .signWith(Signer.of(ALICE, "alice")).signatureContext("t").open()) {
            alice.send("one").to(bob.localAddress()).join();
            alice.send("two").to(bob.localAddress()).join();
            Message<Signed<String>> first = bob.receive(WAIT);
            Message<Signed<String>> second = bob.receive(WAIT);
            assertEquals("one", first.payload().payload());
            assertEquals("alice", first.payload().name());
            assertEquals(ALICE.publicIdentity(), first.payload().signer());
            assertTrue(first.payload().firstUse());
            assertEquals("two", second.payload().payload());
            assertEquals(first.payload().sequence() + 1, second.payload().sequence());
            assertTrue(!second.payload().firstUse());
        }
    }
}
