package io.github.udpkit.core;

import static io.github.udpkit.core.RawEndpointTest.awaitTrue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.udpkit.api.Codecs;
import io.github.udpkit.api.DeliveryMode;
import io.github.udpkit.api.Endpoint;
import io.github.udpkit.core.protocol.EngineConfig;
import io.github.udpkit.core.transport.Impairments;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** An endpoint that impairs its own traffic: what `udpkit send --loss` and the demo rely on. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ImpairedEndpointTest {

    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final EngineConfig LAN = EngineConfig.builder()
            .initialRto(Duration.ofMillis(50)).minRto(Duration.ofMillis(20)).ackDelay(Duration.ofMillis(2)).build();

    @Test
    void shouldLoseRawDatagramsAsSeeded() throws Exception {
        Impairments halfLost = Impairments.builder().loss(0.5).seed(7).build();
        try (Endpoint<String> server = Udp.endpoint(Codecs.utf8()).bind("127.0.0.1", 0).open();
             Endpoint<String> client = Udp.endpoint(Codecs.utf8()).bind("127.0.0.1", 0).impairments(halfLost).open()) {
            for (int i = 0; i < 400; i++) {
                client.send("m" + i).to(server.localAddress());
            }
            assertEquals(400, client.stats().messagesSent());
            long sent = client.stats().datagramsSent();
            assertTrue(sent > 120 && sent < 280, "about half of 400 reach the socket with seed 7: " + sent);
            awaitTrue(() -> server.stats().datagramsReceived() == sent);
        }
    }

    @Test
    void shouldDeliverReliablyOnceInOrderAcrossItsOwnLossAndDuplication() throws Exception {
        Impairments lossy = Impairments.builder().loss(0.2).duplicate(0.1).seed(42).build();
        try (Endpoint<String> server = Udp.endpoint(Codecs.utf8()).bind("127.0.0.1", 0).mode(DeliveryMode.RELIABLE)
                     .protocol(LAN).impairments(lossy).open();
             Endpoint<String> client = Udp.endpoint(Codecs.utf8()).bind("127.0.0.1", 0).mode(DeliveryMode.RELIABLE)
                     .protocol(LAN).impairments(lossy.toBuilder().seed(43).build()).open()) {
            List<CompletableFuture<Void>> acks = new ArrayList<>();
            for (int i = 0; i < 300; i++) {
                acks.add(client.send("m" + i).to(server.localAddress()));
            }
            for (int i = 0; i < 300; i++) {
                assertEquals("m" + i, server.receive(WAIT).payload());
            }
            CompletableFuture.allOf(acks.toArray(CompletableFuture[]::new)).get(20, TimeUnit.SECONDS);
            assertTrue(server.poll().isEmpty(), "no duplicate delivered");
            assertTrue(client.stats().retransmissions() > 0, "loss was repaired: " + client.stats());
        }
    }

    @Test
    void shouldHoldBackDelayedDatagrams() {
        Impairments slow = Impairments.builder().delay(Duration.ofMillis(30)).seed(1).build();
        try (Endpoint<String> server = Udp.endpoint(Codecs.utf8()).bind("127.0.0.1", 0).open();
             Endpoint<String> client = Udp.endpoint(Codecs.utf8()).bind("127.0.0.1", 0).impairments(slow).open()) {
            long start = System.nanoTime();
            client.send("late").to(server.localAddress());
            assertEquals("late", server.receive(WAIT).payload());
            assertTrue(System.nanoTime() - start >= TimeUnit.MILLISECONDS.toNanos(30), "held back at least 30 ms");
        }
    }
}
