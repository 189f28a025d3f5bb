package io.github.udpkit.core.simulation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.github.udpkit.core.protocol.Engine;
import io.github.udpkit.core.transport.Impairments;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The network's drop rule: what it sees, what it drops, and that it leaves other fates alone. */
class VirtualNetworkDropRuleTest {

    /** Keeps the first byte of every datagram it receives; never asks to be woken. */
    private static final class Recorder implements VirtualNetwork.Node {
        final List<Integer> received = new ArrayList<>();

        @Override
        public void receive(InetSocketAddress from, ByteBuffer datagram, long nowNanos) {
            received.add((int) datagram.get());
        }

        @Override
        public long update(long nowNanos) {
            return Engine.NO_DEADLINE;
        }
    }

    private record Seen(long index, InetSocketAddress from, InetSocketAddress to, int first, boolean readOnly,
            long now) {}

    private static ByteBuffer datagram(int first) {
        return ByteBuffer.wrap(new byte[] {(byte) first, 0, 0});
    }

    @Test
    void dropsTheDatagramsItChooses_byPosition_andSeesSentAndInjectedAlike() {
        VirtualNetwork net = VirtualNetwork.builder().seed(1).originNanos(1_000)
                .defaultImpairments(Impairments.builder().delay(Duration.ofMillis(5)).build()).build();
        Recorder a = new Recorder();
        Recorder b = new Recorder();
        VirtualNetwork.Port pa = net.attach(net.nextAddress(), a);
        VirtualNetwork.Port pb = net.attach(net.nextAddress(), b);
        List<Seen> seen = new ArrayList<>();
        net.dropRule((index, from, to, d, now) -> {
            seen.add(new Seen(index, from, to, d.get(d.position()), d.isReadOnly(), now));
            return index == 1 || index == 3;
        });
        InetSocketAddress forged = new InetSocketAddress(pa.address().getAddress(), 9);
        pa.send(pb.address(), datagram(0));
        pa.send(pb.address(), datagram(1));
        net.inject(forged, pb.address(), datagram(2));
        pb.send(pa.address(), datagram(3));
        pb.send(pa.address(), datagram(4));
        net.advance(Duration.ofMillis(10));

        assertEquals(List.of(0, 2), b.received);
        assertEquals(List.of(4), a.received);
        assertEquals(2, net.droppedByRule());
        assertEquals(List.of(
                new Seen(0, pa.address(), pb.address(), 0, true, 1_000),
                new Seen(1, pa.address(), pb.address(), 1, true, 1_000),
                new Seen(2, forged, pb.address(), 2, true, 1_000),
                new Seen(3, pb.address(), pa.address(), 3, true, 1_000),
                new Seen(4, pb.address(), pa.address(), 4, true, 1_000)), seen);
        assertEquals(4, net.sent());
        assertEquals(1, net.injected());
        assertEquals(0, net.counters().dropped(), "the impairers never saw the dropped ones");
        assertEquals(3, net.counters().offered());
    }

    @Test
    void aRuleDropsByTime_andNoneRemovesIt() {
        VirtualNetwork net = VirtualNetwork.withSeed(7);
        Recorder b = new Recorder();
        VirtualNetwork.Port pa = net.attach(net.nextAddress(), new Recorder());
        VirtualNetwork.Port pb = net.attach(net.nextAddress(), b);
        long outageEnd = Duration.ofMillis(100).toNanos();
        net.dropRule((index, from, to, d, now) -> now < outageEnd); // an outage of 100 ms
        pa.send(pb.address(), datagram(0));
        net.advance(Duration.ofMillis(100));
        pa.send(pb.address(), datagram(1));
        net.dropRule(VirtualNetwork.DropRule.NONE);
        net.advance(Duration.ofMillis(1));
        assertEquals(List.of(1), b.received);
        assertEquals(1, net.droppedByRule());
    }

    @Test
    void aMissingRule_isRefusedAtOnce() {
        VirtualNetwork net = VirtualNetwork.withSeed(3);
        NullPointerException e = assertThrows(NullPointerException.class, () -> net.dropRule(null));
        assertEquals("rule", e.getMessage());
    }
}
