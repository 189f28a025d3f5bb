package io.github.udpkit.micrometer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.udpkit.api.Codecs;
import io.github.udpkit.api.Connection;
import io.github.udpkit.api.ConnectionStats;
import io.github.udpkit.api.DeliveryMode;
import io.github.udpkit.api.Endpoint;
import io.github.udpkit.api.EndpointListener;
import io.github.udpkit.core.Udp;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** A connection's statistics in a Micrometer registry, bound when it opens and gone when it closes. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class ConnectionMetricsTest {

    private static final Duration WAIT = Duration.ofSeconds(10);

    @Test
    void shouldShowAConnectionsFiguresWhileItIsOpenAndRemoveThemWhenItCloses() throws Exception {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        CompletableFuture<Connection<?>> accepted = new CompletableFuture<>();
        EndpointListener bindOnConnect = new EndpointListener() {
            @Override
            public void onConnected(Connection<?> connection) {
                new ConnectionMetrics(connection, Tags.of("side", "server")).bindTo(registry);
                accepted.complete(connection);
            }
        };
        try (Endpoint<String> server = Udp.endpoint(Codecs.utf8()).bind("127.0.0.1", 0).mode(DeliveryMode.RELIABLE)
                     .listener(bindOnConnect).open();
             Endpoint<String> client = Udp.endpoint(Codecs.utf8()).bind("127.0.0.1", 0).mode(DeliveryMode.RELIABLE)
                     .open()) {
            Connection<String> connection = client.connect(server.localAddress(), "hello")
                    .get(WAIT.toSeconds(), TimeUnit.SECONDS);
            new ConnectionMetrics(connection, Tags.of("side", "client")).bindTo(registry);
            for (int i = 0; i < 20; i++) {
                connection.send("m" + i).toPeer().get(WAIT.toSeconds(), TimeUnit.SECONDS);
            }
            accepted.get(WAIT.toSeconds(), TimeUnit.SECONDS);
            String remote = "127.0.0.1:" + server.localAddress().getPort();
            // The meters read a snapshot at most REFRESH_MILLIS old: wait until one shows the 21 sends.
            awaitTrue(() -> counter(registry, "datagrams.sent", remote) >= 21);

            ConnectionStats after = connection.stats(); // counts only grow: the meters' snapshot is no later
            assertTrue(counter(registry, "datagrams.sent", remote) <= after.datagramsSent());
            assertTrue(counter(registry, "bytes.sent", remote) >= 21 * "m0".length());
            assertTrue(counter(registry, "bytes.sent", remote) <= after.bytesSent());
            assertTrue(counter(registry, "datagrams.received", remote) > 0, "the server's acknowledgements");
            assertTrue(gauge(registry, "congestion.window", remote) > 0);
            double rtt = registry.get(ConnectionMetrics.PREFIX + "rtt.smoothed").tag("remote", remote).timeGauge()
                    .value(TimeUnit.NANOSECONDS);
            assertTrue(rtt > 0, "acknowledged sends give a round-trip sample: " + rtt);
            assertEquals(2, registry.find(ConnectionMetrics.PREFIX + "datagrams.sent").meters().size(),
                    "one series for each side's connection");

            connection.close("done");
            awaitTrue(() -> registry.find(ConnectionMetrics.PREFIX + "datagrams.sent").meters().isEmpty());
            assertTrue(registry.find(ConnectionMetrics.PREFIX + "rtt.smoothed").meters().isEmpty(),
                    "a closed connection's meters are gone on both sides");
            assertThrows(IllegalStateException.class, () -> new ConnectionMetrics(connection),
                    "a closed connection has no statistics to bind");
            assertThrows(IllegalArgumentException.class,
                    () -> new ConnectionMetrics(accepted.join(), Tags.of("remote", "x")));
        }
    }

    private static double counter(SimpleMeterRegistry registry, String name, String remote) {
        return registry.get(ConnectionMetrics.PREFIX + name).tags("remote", remote, "side", "client")
                .functionCounter().count();
    }

    private static double gauge(SimpleMeterRegistry registry, String name, String remote) {
        return registry.get(ConnectionMetrics.PREFIX + name).tags("remote", remote, "side", "client").gauge().value();
    }

    private static void awaitTrue(BooleanSupplier condition) {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!condition.getAsBoolean()) {
            assertTrue(System.nanoTime() < deadline, "condition not met within " + WAIT);
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
        }
    }
}
