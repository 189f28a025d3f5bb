package io.github.udpkit.micrometer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.udpkit.api.Codecs;
import io.github.udpkit.api.DeliveryMode;
import io.github.udpkit.api.Endpoint;
import io.github.udpkit.core.Udp;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** An endpoint's statistics as a Micrometer registry shows them, over real loopback sockets. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class EndpointMetricsTest {

    private static final Duration WAIT = Duration.ofSeconds(10);

    @Test
    void shouldShowTrafficDropsByCausePeersAndRttOfEachEndpointUnderItsOwnAddress() throws Exception {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        String s;
        try (Endpoint<String> server = Udp.endpoint(Codecs.utf8()).bind("127.0.0.1", 0).mode(DeliveryMode.RELIABLE).open();
             Endpoint<String> client = Udp.endpoint(Codecs.utf8()).bind("127.0.0.1", 0).mode(DeliveryMode.RELIABLE).open();
             DatagramChannel stranger = DatagramChannel.open()) {
            new EndpointMetrics(server, Tags.of("role", "server")).bindTo(registry);
            new EndpointMetrics(client, Tags.of("role", "client")).bindTo(registry);
            s = "127.0.0.1:" + server.localAddress().getPort();
            String c = "127.0.0.1:" + client.localAddress().getPort();

            for (int i = 0; i < 10; i++) {
                client.send("m" + i).to(server.localAddress()).get(WAIT.toSeconds(), TimeUnit.SECONDS);
            }
            for (int i = 0; i < 10; i++) {
                assertEquals("m" + i, server.receive(WAIT).payload());
            }
            stranger.bind(new InetSocketAddress("127.0.0.1", 0));
            for (int i = 0; i < 3; i++) {
                stranger.send(ByteBuffer.wrap("not udpkit".getBytes(StandardCharsets.US_ASCII)), server.localAddress());
            }
            awaitTrue(() -> server.stats().malformed() == 3);

            assertEquals(10, counter(registry, "udpkit.messages.delivered", s));
            assertEquals(10, counter(registry, "udpkit.messages.sent", c));
            assertEquals(0, counter(registry, "udpkit.messages.delivered", c), "each endpoint its own series");
            assertEquals(server.stats().bytesReceived(), counter(registry, "udpkit.bytes.received", s));
            assertEquals("bytes", registry.get("udpkit.bytes.sent").tag("local", c).functionCounter().getId().getBaseUnit());
            assertEquals(3, registry.get(EndpointMetrics.DROPS).tags("local", s, "cause", "malformed")
                    .functionCounter().count());
            assertEquals(0, registry.get(EndpointMetrics.DROPS).tags("local", c, "cause", "malformed")
                    .functionCounter().count());
            assertEquals("server", registry.get("udpkit.peers").tag("local", s).gauge().getId().getTag("role"));
            assertEquals(1, registry.get("udpkit.peers").tag("local", s).gauge().value());
            double rtt = registry.get("udpkit.rtt.smoothed").tag("local", c).timeGauge().value(TimeUnit.NANOSECONDS);
            // Through seconds and back: equal within a nanosecond's rounding.
            assertEquals(client.stats().smoothedRtt().toNanos(), rtt, 1.0, "the client measured the round trips of its sends");
            assertTrue(rtt > 0, "acknowledged sends give an RTT sample: " + rtt);

            Set<String> causes = registry.find(EndpointMetrics.DROPS).tag("local", s).meters().stream()
                    .map(m -> m.getId().getTag("cause")).collect(Collectors.toSet());
            assertEquals(Set.of("malformed", "oversized", "filtered", "auth_failure", "replay", "duplicate",
                    "receive_queue_full", "decode_failure", "bad_signature", "unknown_key", "changed_key",
                    "replayed_sequence"), causes);
        }
        assertEquals(10, counter(registry, "udpkit.messages.delivered", s), "a closed endpoint keeps its counts");
    }

    @Test
    void shouldRefuseALocalTagAndANullRegistry() {
        try (Endpoint<String> endpoint = Udp.endpoint(Codecs.utf8()).bind("127.0.0.1", 0).open()) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> new EndpointMetrics(endpoint, Tags.of("local", "x")));
            assertTrue(e.getMessage().contains("'local'"), e.getMessage());
            assertThrows(NullPointerException.class, () -> new EndpointMetrics(endpoint).bindTo(null));
            SimpleMeterRegistry registry = new SimpleMeterRegistry();
            new EndpointMetrics(endpoint).bindTo(registry);
            assertTrue(registry.getMeters().stream().map(Meter::getId)
                    .allMatch(id -> id.getName().startsWith(EndpointMetrics.PREFIX)
                            && id.getTag("local").equals("127.0.0.1:" + endpoint.localAddress().getPort())));
        }
    }

    private static double counter(SimpleMeterRegistry registry, String name, String local) {
        FunctionCounter counter = registry.get(name).tag("local", local).functionCounter();
        return counter.count();
    }

    private static void awaitTrue(BooleanSupplier condition) {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!condition.getAsBoolean()) {
            assertTrue(System.nanoTime() - deadline < 0, "condition not met within " + WAIT);
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
        }
    }
}
