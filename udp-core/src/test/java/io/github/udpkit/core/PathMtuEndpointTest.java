package io.github.udpkit.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.udpkit.api.Codecs;
import io.github.udpkit.api.DeliveryMode;
import io.github.udpkit.api.Endpoint;
import io.github.udpkit.core.protocol.EngineConfig;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Path MTU discovery and pacing over real loopback sockets, whose MTU is 64 KiB: the engine
 * finds it and packs a large message into a couple of datagrams instead of fifty-four.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class PathMtuEndpointTest {
    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final String LARGE = "x".repeat(60_000);

    private static Endpoint<String> open(EngineConfig protocol) {
        return Udp.endpoint(Codecs.utf8()).bind("127.0.0.1", 0).mode(DeliveryMode.RELIABLE).protocol(protocol)
                .open();
    }

    /** The datagrams the client sent for one large message, acknowledged, and delivered whole. */
    private static long datagramsFor(Endpoint<String> client, Endpoint<String> server) {
        long before = client.stats().datagramsSent();
        client.send(LARGE).to(server.localAddress()).orTimeout(10, TimeUnit.SECONDS).join();
        assertEquals(LARGE, server.receive(WAIT).payload());
        return client.stats().datagramsSent() - before;
    }

    @Test
    void shouldPackToLoopbacksSize() {
        EngineConfig on = EngineConfig.builder().maxDatagramSize(Endpoint.MAX_DATAGRAM_PAYLOAD).pathMtuDiscovery(true)
                .pacing(true).build();
        try (Endpoint<String> server = open(on); Endpoint<String> client = open(on)) {
            client.send("hello").to(server.localAddress()).orTimeout(10, TimeUnit.SECONDS).join();
            assertEquals("hello", server.receive(WAIT).payload());
            // The search takes some 20 round trips of well under a millisecond; each attempt here
            // is bounded, and so is their number.
            long used = Long.MAX_VALUE;
            for (int attempt = 0; attempt < 200 && used > 4; attempt++) {
                used = datagramsFor(client, server);
            }
            assertTrue(used <= 4, "a 60,000-byte message still took " + used + " datagrams: " + client.stats());
        }
    }

    @Test
    void shouldUseTheBaseSizeWithoutIt() {
        try (Endpoint<String> server = open(EngineConfig.defaults()); Endpoint<String> client = open(EngineConfig.defaults())) {
            long used = datagramsFor(client, server);
            assertTrue(used >= 50, "a 60,000-byte message in 1,200-byte datagrams took " + used);
        }
    }
}
