package io.github.udpkit.core;

import static io.github.udpkit.core.RawEndpointTest.awaitTrue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.udpkit.api.Codecs;
import io.github.udpkit.api.DeliveryMode;
import io.github.udpkit.api.Endpoint;
import io.github.udpkit.api.ReceiveTimeoutException;
import io.github.udpkit.core.security.AddressFilter;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Address filters and per-source rate limits, checked before any parsing, over loopback. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class FilterAndRateLimitTest {

    private static final Duration WAIT = Duration.ofSeconds(5);

    @Test
    void shouldDeliverOnlyFromAllowedSources() throws Exception {
        AddressFilter onlyTwo = AddressFilter.builder().allow("127.0.0.2/32").build();
        try (Endpoint<String> server = Udp.endpoint(Codecs.utf8()).bind("127.0.0.1", 0).filter(onlyTwo).open();
             Endpoint<String> allowed = Udp.endpoint(Codecs.utf8()).bind("127.0.0.2", 0).open();
             Endpoint<String> other = Udp.endpoint(Codecs.utf8()).bind("127.0.0.1", 0).open()) {
            other.send("from a stranger").to(server.localAddress());
            allowed.send("from a friend").to(server.localAddress());
            assertEquals("from a friend", server.receive(WAIT).payload());
            awaitTrue(() -> server.stats().filtered() == 1);
            assertTrue(server.poll().isEmpty());
        }
    }

    @Test
    void shouldNeitherDeliverNorAnswerDeniedSourcesInFramedModes() throws Exception {
        AddressFilter denyLoopbackOne = AddressFilter.builder().deny("127.0.0.1/32").build();
        try (Endpoint<String> server = Udp.endpoint(Codecs.utf8()).bind("127.0.0.2", 0).mode(DeliveryMode.RELIABLE)
                .filter(denyLoopbackOne).open();
             Endpoint<String> denied = Udp.endpoint(Codecs.utf8()).bind("127.0.0.1", 0).mode(DeliveryMode.RELIABLE).open()) {
            server.onMessage(m -> server.send("reply").to(m.sender()));
            denied.send("let me in").to(server.localAddress());
            awaitTrue(() -> server.stats().filtered() >= 1);
            assertThrows(ReceiveTimeoutException.class, () -> denied.receive(Duration.ofMillis(300)));
            assertEquals(0, server.stats().messagesDelivered());
            assertEquals(0, server.stats().datagramsSent(), "a denied source is never answered, not even acknowledged");
            assertEquals(0, server.stats().peers(), "and costs no per-peer state");
        }
    }

    @Test
    void shouldDropWhatExceedsTheRateLimit() throws Exception {
        try (Endpoint<String> server = Udp.endpoint(Codecs.utf8()).bind("127.0.0.1", 0).rateLimit(1, 5).open();
             Endpoint<String> client = Udp.endpoint(Codecs.utf8()).bind("127.0.0.1", 0).open()) {
            for (int i = 0; i < 40; i++) {
                client.send("m" + i).to(server.localAddress());
            }
            awaitTrue(() -> server.stats().datagramsReceived() == 40);
            long delivered = server.stats().messagesDelivered();
            // a burst of 5, plus at most a few tokens refilled at 1/s while the test runs
            assertTrue(delivered >= 5 && delivered <= 10, "delivered " + delivered);
            assertEquals(40 - delivered, server.stats().filtered());
        }
    }

    @Test
    void shouldNameBadRateLimits() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Udp.endpoint(Codecs.utf8()).rateLimit(-1, 5));
        assertTrue(e.getMessage().contains("-1"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Udp.endpoint(Codecs.utf8()).rateLimit(10, 0));
    }
}
