package io.github.udpkit.core.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.udpkit.api.BackPressureException;
import io.github.udpkit.api.Codecs;
import io.github.udpkit.api.DeliveryMode;
import io.github.udpkit.api.Endpoint;
import io.github.udpkit.api.EndpointClosedException;
import io.github.udpkit.core.Udp;
import io.github.udpkit.core.protocol.EngineConfig;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.nio.channels.DatagramChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The per-peer send window of framed sends: a permit per message the engine holds, back by the
 * time its sender sees the send complete, and batched while senders wait for room.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class SendWindowTest {

    private static Endpoint<String> reliable(EngineConfig config, boolean failFast, Duration sendTimeout) {
        var builder = Udp.endpoint(Codecs.utf8()).bind("127.0.0.1", 0).mode(DeliveryMode.RELIABLE)
                .protocol(config).sendTimeout(sendTimeout);
        if (failFast) {
            builder.failFast();
        }
        return builder.open();
    }

    @Test
    void shouldHaveTheRoomBackOnceTheSendHasCompleted() {
        EngineConfig window2 = EngineConfig.builder().maxQueuedMessages(2).build();
        try (Endpoint<String> server = reliable(EngineConfig.defaults(), false, Duration.ofSeconds(10));
             Endpoint<String> client = reliable(window2, true, Duration.ofSeconds(10))) {
            AtomicInteger received = new AtomicInteger();
            server.onMessage(m -> received.incrementAndGet());
            for (int i = 0; i < 100; i++) {
                // Fail-fast: a window still full after both sends completed would throw here.
                CompletableFuture<Void> a = client.send("a" + i).to(server.localAddress());
                CompletableFuture<Void> b = client.send("b" + i).to(server.localAddress());
                a.join();
                b.join();
            }
            assertEquals(200, client.stats().messagesSent());
        }
    }

    @Test
    void shouldKeepTheRoomOfASendItsCallerCompletedUntilTheEngineIsDoneWithIt() throws Exception {
        try (DatagramChannel silent = DatagramChannel.open(StandardProtocolFamily.INET)) {
            silent.bind(new InetSocketAddress("127.0.0.1", 0));
            InetSocketAddress to = (InetSocketAddress) silent.getLocalAddress();
            Endpoint<String> client = reliable(EngineConfig.builder().maxQueuedMessages(3).build(), true,
                    Duration.ofSeconds(10));
            CompletableFuture<Void> a;
            CompletableFuture<Void> b;
            CompletableFuture<Void> c;
            try {
                a = client.send("a").to(to);
                b = client.send("b").to(to);
                c = client.send("c").to(to);
                assertTrue(a.cancel(true));
                assertTrue(b.complete(null));
                // The engine still holds "a" and "b" (unacknowledged), so the window is still full.
                BackPressureException e = assertThrows(BackPressureException.class, () -> client.send("d").to(to));
                assertTrue(e.getMessage().contains(to.toString()), e.getMessage());
            } finally {
                client.close();
            }
            assertTrue(a.isCancelled(), "a caller's cancel stands");
            assertTrue(b.isDone() && !b.isCompletedExceptionally(), "so does a caller's completion");
            CompletionException e = assertThrows(CompletionException.class, c::join);
            assertInstanceOf(EndpointClosedException.class, e.getCause());
        }
    }

    @Test
    void shouldWakeWaitingSendersAsAcknowledgementsReturnRoom() throws Exception {
        int messages = 1_000;
        EngineConfig window16 = EngineConfig.builder().maxQueuedMessages(16).build();
        try (Endpoint<String> server = reliable(EngineConfig.defaults(), false, Duration.ofSeconds(10));
             Endpoint<String> client = reliable(window16, false, Duration.ofSeconds(20))) {
            CountDownLatch all = new CountDownLatch(messages);
            List<String> order = new ArrayList<>(messages);
            server.onMessage(m -> {
                order.add(m.payload()); // the I/O thread only; read after the latch
                all.countDown();
            });
            List<CompletableFuture<Void>> sends = new ArrayList<>(messages);
            for (int i = 0; i < messages; i++) {
                sends.add(client.send("m" + i).to(server.localAddress())); // waits for room, 16 at most in flight
            }
            CompletableFuture.allOf(sends.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);
            assertTrue(all.await(30, TimeUnit.SECONDS), "delivered: " + (messages - all.getCount()));
            for (int i = 0; i < messages; i++) {
                assertEquals("m" + i, order.get(i));
            }
        }
    }
}
