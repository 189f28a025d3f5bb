package io.github.udpkit.core.protocol;

import static io.github.udpkit.core.protocol.EngineNet.MS;
import static io.github.udpkit.core.protocol.EngineNet.numbered;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.udpkit.api.ConnectionStats;
import io.github.udpkit.api.DeliveryMode;
import io.github.udpkit.core.protocol.EngineNet.Node;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The per-conversation snapshot agrees with what the network carried and the engine counted. */
@Timeout(60)
class ConnectionStatsTest {

    @Test
    void shouldReportTheTrafficRoundTripAndLossOfEachConversation() {
        EngineNet net = new EngineNet(501);
        net.loss = 0.1;
        net.latency = 10 * MS;
        Node a = net.node(EngineNet.config(1).build());
        Node b = net.node(EngineNet.config(2).build());
        long[] fromA = new long[2];
        net.dropRule = (from, to, bytes) -> {
            if (from.equals(a.address)) {
                fromA[0]++;
                fromA[1] += bytes.length;
            }
            return false;
        };
        List<CompletableFuture<Void>> sends = new ArrayList<>();
        for (int i = 0; i < 2_000; i++) {
            CompletableFuture<Void> f = new CompletableFuture<>();
            a.engine.send(b.address, DeliveryMode.RELIABLE, numbered(i, 200), f, net.now());
            sends.add(f);
        }
        assertTrue(net.runUntil(() -> sends.stream().allMatch(CompletableFuture::isDone), 120_000 * MS));
        net.runFor(100 * MS);

        List<ConnectionStats> all = a.engine.connections();
        assertEquals(1, all.size());
        ConnectionStats s = all.get(0);
        assertEquals(b.address, s.remote());
        assertEquals(fromA[0], s.datagramsSent(), "every datagram a sent went to b");
        assertEquals(fromA[1], s.bytesSent());
        assertEquals(a.engine.metrics().retransmissions(), s.retransmissions(), "one peer: the engine's count");
        assertTrue(s.retransmissions() > 0, s.toString());
        assertTrue(s.lossRate() > 0.03 && s.lossRate() < 0.3, "about the 10 % the network lost: " + s);
        assertTrue(s.smoothedRtt().compareTo(Duration.ofMillis(20)) >= 0
                && s.smoothedRtt().compareTo(Duration.ofMillis(60)) < 0, "a 20 ms round trip plus ACK delay: " + s);
        assertTrue(!s.rttVariation().isNegative(), s.toString());
        assertTrue(s.congestionWindow() > 0, s.toString());
        assertEquals(0, s.bytesInFlight(), "everything acknowledged: " + s);
        assertTrue(s.datagramsReceived() > 0 && s.datagramsReceived() <= b.engine.connections().get(0).datagramsSent(),
                s.toString());
        ConnectionStats atB = b.engine.connections().get(0);
        assertEquals(a.address, atB.remote());
        assertTrue(atB.datagramsReceived() > 0 && atB.datagramsReceived() <= b.engine.metrics().datagramsReceived(),
                "b accepted at most what reached it: " + atB);
        assertTrue(atB.datagramsReceived() < fromA[0], "the network lost some of a's datagrams: " + atB);
    }
}
