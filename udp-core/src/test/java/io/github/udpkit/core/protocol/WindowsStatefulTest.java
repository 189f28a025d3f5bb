package io.github.udpkit.core.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.udpkit.core.wire.AckRanges;
import java.util.TreeSet;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.state.Action;
import net.jqwik.api.state.ActionChain;
import net.jqwik.api.state.Transformer;

/**
 * The receive-side windows against simple models (sets of numbers): the packet-number window
 * that rejects duplicates and builds ACK ranges, and the RELIABLE_UNORDERED message window.
 */
class WindowsStatefulTest {

    /** ReceivedPackets and the set of packet numbers recorded so far. */
    static final class PacketModel {
        final ReceivedPackets window = new ReceivedPackets();
        final TreeSet<Long> seen = new TreeSet<>();
        final TreeSet<Long> ackable = new TreeSet<>();
        long largest = -1;

        void receive(long pn, boolean ack) {
            int c = window.classify(pn);
            if (pn > largest) {
                assertEquals(ReceivedPackets.NEW, c, "above the largest is always new: " + pn);
            } else if (largest - pn >= ReceivedPackets.WINDOW) {
                assertEquals(ReceivedPackets.TOO_OLD, c, "too old to tell: " + pn);
            } else {
                assertEquals(seen.contains(pn) ? ReceivedPackets.DUPLICATE : ReceivedPackets.NEW, c, "packet " + pn);
            }
            if (c == ReceivedPackets.NEW) {
                window.record(pn, ack, 0);
                seen.add(pn);
                if (ack) {
                    ackable.add(pn);
                }
                largest = Math.max(largest, pn);
            }
        }

        void checkAck() {
            AckRanges ranges = new AckRanges(ReceivedPackets.MAX_RANGES);
            window.fillAck(ranges);
            if (ackable.isEmpty()) {
                assertEquals(0, ranges.count());
                return;
            }
            assertEquals(ackable.last(), ranges.high(0), "the ACK starts at the largest ackable number");
            long previousLow = Long.MAX_VALUE;
            for (int i = 0; i < ranges.count(); i++) {
                assertTrue(ranges.high(i) < previousLow - 1, "ranges are sorted and separated");
                for (long p = ranges.low(i); p <= ranges.high(i); p++) {
                    assertTrue(ackable.contains(p), "acknowledges only what was received and accepted: " + p);
                }
                assertTrue(!ackable.contains(ranges.low(i) - 1), "ranges are maximal");
                previousLow = ranges.low(i);
            }
            // Only the oldest ranges are ever forgotten (to stay bounded): above that floor,
            // nothing received is left out, and the reported span has no false holes.
            long floor = window.floor();
            assertTrue(ranges.low(ranges.count() - 1) > floor, "ranges stay above the floor");
            for (long p : ackable.tailSet(floor, false)) {
                assertTrue(ranges.contains(p), "missing " + p + " above floor " + floor + " from " + ranges);
            }
        }
    }

    @Provide
    Arbitrary<ActionChain<PacketModel>> packetChains() {
        Action.Dependent<PacketModel> receive = new Action.Dependent<>() {
            @Override
            public Arbitrary<Transformer<PacketModel>> transformer(PacketModel state) {
                Arbitrary<Long> near = Arbitraries.longs().between(-40, 3).map(d -> Math.max(0, state.largest + d));
                Arbitrary<Long> far = Arbitraries.longs().between(0, 3000)
                        .map(d -> Math.max(0, state.largest - ReceivedPackets.WINDOW + 1 - d));
                Arbitrary<Long> jump = Arbitraries.longs().between(1, 2000).map(d -> state.largest + d);
                Arbitrary<Long> pn = Arbitraries.frequencyOf(
                        net.jqwik.api.Tuple.of(8, near), net.jqwik.api.Tuple.of(1, far), net.jqwik.api.Tuple.of(1, jump));
                return net.jqwik.api.Combinators.combine(pn, Arbitraries.of(true, true, true, false))
                        .as((p, ack) -> Transformer.mutate("receive " + p + (ack ? "" : " (refused)"),
                                s -> s.receive(p, ack)));
            }
        };
        return ActionChain.startWith(PacketModel::new).withAction(receive).withMaxTransformations(200);
    }

    @Property(tries = 100)
    void shouldRejectExactlyTheDuplicatesAndAcknowledgeExactlyWhatWasAccepted(
            @ForAll("packetChains") ActionChain<PacketModel> chain) {
        chain.withInvariant(PacketModel::checkAck).run();
    }

    /** UnorderedWindow and the set of sequence numbers delivered so far. */
    static final class MessageModel {
        static final int SIZE = 64;
        final UnorderedWindow window = new UnorderedWindow(SIZE);
        final TreeSet<Long> delivered = new TreeSet<>();

        void receive(long seq) {
            int c = window.classify(seq);
            long base = window.base();
            if (delivered.contains(seq)) {
                assertEquals(UnorderedWindow.DUPLICATE, c, "already delivered: " + seq);
            } else if (seq - base >= SIZE) {
                assertEquals(UnorderedWindow.BEYOND, c, "beyond the window: " + seq);
            } else {
                assertEquals(UnorderedWindow.NEW, c, "new: " + seq);
                window.markReceived(seq);
                delivered.add(seq);
            }
        }

        void check() {
            long expectedBase = 0;
            while (delivered.contains(expectedBase)) {
                expectedBase++;
            }
            assertEquals(expectedBase, window.base(), "the base is the first number not yet received");
        }
    }

    @Provide
    Arbitrary<ActionChain<MessageModel>> messageChains() {
        Action.Dependent<MessageModel> receive = state -> Arbitraries.longs().between(-5, MessageModel.SIZE + 5)
                .map(d -> Math.max(0, state.window.base() + d))
                .map(seq -> Transformer.mutate("receive #" + seq, s -> s.receive(seq)));
        return ActionChain.startWith(MessageModel::new).withAction(receive).withMaxTransformations(300);
    }

    @Property(tries = 100)
    void shouldDeliverEachUnorderedMessageExactlyOnce(@ForAll("messageChains") ActionChain<MessageModel> chain) {
        chain.withInvariant(MessageModel::check).run();
    }
}
