package io.github.udpkit.core.protocol;

import static io.github.udpkit.core.protocol.EngineNet.MS;
import static io.github.udpkit.core.protocol.EngineNet.numbered;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.udpkit.api.DeliveryMode;
import io.github.udpkit.core.protocol.EngineNet.Delivery;
import io.github.udpkit.core.protocol.EngineNet.Node;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Independent channels: 256 per peer, each its own ordered stream in each mode, and a loss on one
 * channel does not hold back another's deliveries (head-of-line isolation, measured at 10 % loss).
 */
@Timeout(120)
class ChannelsTest {
    private static final Logger LOG = LoggerFactory.getLogger(ChannelsTest.class);
    private static final long SECOND = 1000 * MS;

    @Test
    void shouldKeepTwoHundredFiftySixChannelsEachInOrderUnderLoss() {
        EngineNet net = new EngineNet(601);
        net.loss = 0.1;
        net.jitter = 4 * MS;
        Node a = net.node(EngineNet.config(1).build());
        Node b = net.node(EngineNet.config(2).build());
        List<CompletableFuture<Void>> sends = new ArrayList<>();
        for (int round = 0; round < 8; round++) {
            for (int channel = 0; channel < 256; channel++) {
                CompletableFuture<Void> f = new CompletableFuture<>();
                DeliveryMode mode = channel % 2 == 0 ? DeliveryMode.RELIABLE : DeliveryMode.RELIABLE_UNORDERED;
                a.engine.send(b.address, channel, mode, numbered(channel * 1000 + round, 20), f, net.now());
                sends.add(f);
            }
            net.runFor(3 * MS);
        }
        assertTrue(net.runUntil(() -> sends.stream().allMatch(CompletableFuture::isDone), 60 * SECOND),
                net.describe());
        assertTrue(sends.stream().noneMatch(CompletableFuture::isCompletedExceptionally), net.describe());
        Map<Integer, List<Integer>> byChannel = new HashMap<>();
        for (Delivery d : b.delivered) {
            assertEquals(d.number() / 1000, d.channel(), "delivered on the channel it was sent on");
            byChannel.computeIfAbsent(d.channel(), k -> new ArrayList<>()).add(d.number() % 1000);
        }
        assertEquals(256, byChannel.size());
        byChannel.forEach((channel, rounds) -> {
            assertEquals(8, rounds.size(), "channel " + channel + " delivered each message once");
            if (channel % 2 == 0) { // RELIABLE: in send order within the channel
                assertEquals(List.of(0, 1, 2, 3, 4, 5, 6, 7), rounds, "channel " + channel);
            } else {
                assertEquals(List.of(0, 1, 2, 3, 4, 5, 6, 7), rounds.stream().sorted().toList(), "channel " + channel);
            }
        });
    }

    @Test
    void shouldRefuseAChannelOutsideZeroToTwoHundredFiftyFive() {
        EngineNet net = new EngineNet(602);
        Node a = net.node(EngineNet.config(1).build());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> a.engine.send(a.address, 256, DeliveryMode.RELIABLE, new byte[1], new CompletableFuture<>(), 0));
        assertTrue(e.getMessage().contains("channel must be in 0..255: 256"), e.getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> a.engine.send(a.address, -1, DeliveryMode.RELIABLE, new byte[1], new CompletableFuture<>(), 0));
    }

    /** How the two flows are sent: the measured flow alone, beside another on its own channel, or on one shared channel. */
    private enum Layout { ALONE, SEPARATE_CHANNELS, SHARED_CHANNEL }

    /** The measured flow's delays, sorted. */
    private record Delays(long[] sorted) {
        long p99() {
            return sorted[(int) Math.ceil(0.99 * sorted.length) - 1];
        }

        /** The fraction held longer than one way (10 ms) and a delayed ACK allow: they waited for a repair. */
        double heldBack() {
            long held = Arrays.stream(sorted).filter(d -> d > 15 * MS).count();
            return (double) held / sorted.length;
        }
    }

    /**
     * Two RELIABLE flows from a to b, a message each every 10 ms (offset by 5 ms, so they travel
     * in different datagrams), 10 % loss each way, 10 ms each way: the delays, from send to
     * delivery, of the measured flow.
     */
    private static Delays delays(Layout layout, long seed) {
        EngineNet net = new EngineNet(seed);
        net.loss = 0.1;
        net.latency = 10 * MS;
        Node a = net.node(EngineNet.config(seed + 1).build());
        Node b = net.node(EngineNet.config(seed + 2).build());
        int messages = 3_000;
        long[] sentAt = new long[messages];
        int measuredChannel = layout == Layout.SHARED_CHANNEL ? 0 : 1;
        for (int i = 0; i < messages; i++) {
            sentAt[i] = net.now();
            a.engine.send(b.address, measuredChannel, DeliveryMode.RELIABLE, numbered(i, 60), new CompletableFuture<>(),
                    net.now());
            net.runFor(5 * MS);
            if (layout != Layout.ALONE) {
                int other = layout == Layout.SHARED_CHANNEL ? 0 : 2;
                a.engine.send(b.address, other, DeliveryMode.RELIABLE, numbered(1_000_000 + i, 60),
                        new CompletableFuture<>(), net.now());
            }
            net.runFor(5 * MS);
        }
        net.runFor(10 * SECOND);
        long[] delays = new long[messages];
        int n = 0;
        for (Delivery d : b.delivered) {
            if (d.number() < 1_000_000) {
                delays[n++] = d.at() - sentAt[d.number()];
            }
        }
        assertEquals(messages, n, layout + ": every measured message arrived");
        Arrays.sort(delays);
        return new Delays(delays);
    }

    @Test
    void shouldNotDelayOneChannelForAnotherChannelsLosses() {
        long alone = 0;
        long separate = 0;
        long shared = 0;
        double heldAlone = 0;
        double heldSeparate = 0;
        double heldShared = 0;
        for (long seed = 700; seed < 703; seed++) {
            Delays a = delays(Layout.ALONE, seed);
            Delays b = delays(Layout.SEPARATE_CHANNELS, seed);
            Delays c = delays(Layout.SHARED_CHANNEL, seed);
            alone = Math.max(alone, a.p99());
            separate = Math.max(separate, b.p99());
            shared = Math.max(shared, c.p99());
            heldAlone += a.heldBack() / 3;
            heldSeparate += b.heldBack() / 3;
            heldShared += c.heldBack() / 3;
        }
        String figures = String.format("at 10 %% loss, p99 delay (worst of 3 seeds) and share held back for a repair "
                + "(mean): alone %.1f ms, %.1f %%; beside another channel %.1f ms, %.1f %%; sharing one channel "
                + "%.1f ms, %.1f %%", alone / 1e6, 100 * heldAlone, separate / 1e6, 100 * heldSeparate, shared / 1e6,
                100 * heldShared);
        LOG.info(figures);
        assertTrue(separate <= alone * 1.25, "another channel's losses delayed this one at p99: " + figures);
        assertTrue(heldSeparate <= heldAlone * 1.25, "another channel's losses held this one back: " + figures);
        // The contrast, so the measurement can tell: on one shared channel the other flow's losses
        // hold this flow back too.
        assertTrue(heldShared >= heldSeparate * 1.5, "no head-of-line blocking measured on one channel: " + figures);
    }
}
