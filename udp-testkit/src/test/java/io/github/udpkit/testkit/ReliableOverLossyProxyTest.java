package io.github.udpkit.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.udpkit.api.Codecs;
import io.github.udpkit.api.DeliveryMode;
import io.github.udpkit.api.Endpoint;
import io.github.udpkit.core.Udp;
import io.github.udpkit.core.protocol.EngineConfig;
import io.github.udpkit.core.transport.Impairments;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/** Issue 3 over real sockets: RELIABLE endpoints on loopback through a proxy that loses 20 % each way. */
@Timeout(120)
@ExtendWith(SimulationSeedExtension.class)
class ReliableOverLossyProxyTest {

    private static final int MESSAGES = 2_000;
    /**
     * Short messages pack some 80 to a datagram, and 2,000 of them fill only about 25 datagrams,
     * which a 20 % loss misses entirely once in a few hundred seeds; 200 bytes each make some 350.
     */
    private static final String PADDING = " " + "x".repeat(200);
    /** Loopback round trips are tens of microseconds: a LAN-sized timer floor keeps the test quick. */
    private static final EngineConfig LAN = EngineConfig.builder()
            .initialRto(Duration.ofMillis(50)).minRto(Duration.ofMillis(20)).ackDelay(Duration.ofMillis(2))
            .deliveryDeadline(Duration.ofMinutes(1)).maxTransmissions(100).build();

    @Test
    void shouldDeliverTwoThousandMessagesOnceInOrderAtTwentyPercentLoss(@SimulationSeed long seed) throws Exception {
        Impairments lossy = Impairments.builder().loss(0.2).seed(seed).build();
        try (Endpoint<String> server = Udp.endpoint(Codecs.utf8()).bind("127.0.0.1", 0)
                     .mode(DeliveryMode.RELIABLE).protocol(LAN).open();
             LossyProxy proxy = LossyProxy.forward(server.localAddress(), lossy);
             Endpoint<String> client = Udp.endpoint(Codecs.utf8()).bind("127.0.0.1", 0)
                     .mode(DeliveryMode.RELIABLE).protocol(LAN).open()) {
            List<CompletableFuture<Void>> acks = new ArrayList<>(MESSAGES);
            for (int i = 0; i < MESSAGES; i++) {
                acks.add(client.send("message " + i + PADDING).to(proxy.address()));
            }
            for (int i = 0; i < MESSAGES; i++) {
                assertEquals("message " + i + PADDING, server.receive(Duration.ofSeconds(30)).payload(), "seed " + seed);
            }
            CompletableFuture.allOf(acks.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
            assertTrue(server.poll().isEmpty(), "nothing delivered twice, seed " + seed);
            assertTrue(client.stats().retransmissions() > 0, "the proxy did lose datagrams: " + proxy.stats());
        }
    }
}
