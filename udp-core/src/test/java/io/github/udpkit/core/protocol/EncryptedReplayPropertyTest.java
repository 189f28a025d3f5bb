package io.github.udpkit.core.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.github.udpkit.api.DeliveryMode;
import io.github.udpkit.core.security.AeadProtection;
import io.github.udpkit.core.security.Key;
import io.github.udpkit.core.wire.DataFrame;
import io.github.udpkit.core.wire.Datagram;
import io.github.udpkit.core.wire.WireWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;

/**
 * The replay behaviour of an encrypted engine agrees with a model: a set of accepted packet
 * numbers and the largest one. A datagram whose number is in the set, or 1,024 or more below the
 * largest, is dropped as a replay before decryption; otherwise a genuine one is delivered and
 * recorded, and a forged one (sealed under another key) fails authentication and changes nothing,
 * whatever its number.
 */
class EncryptedReplayPropertyTest {
    private static final Key KEY = Key.of(new byte[32]);
    private static final Key WRONG = Key.of(new byte[] {
        9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9});
    private static final long SENDER = 0x5e5510f5e5510f01L;
    private static final InetSocketAddress FROM = new InetSocketAddress(InetAddress.getLoopbackAddress(), 7000);
    private static final int WINDOW = 1024;

    record Arrival(long packetNumber, boolean genuine) {
    }

    @Provide
    Arbitrary<List<Arrival>> arrivals() {
        // Mostly near each other (reordering, replays inside the window), some far (beyond it).
        Arbitrary<Long> near = Arbitraries.longs().between(0, 300);
        Arbitrary<Long> far = Arbitraries.longs().between(0, 5000);
        Arbitrary<Long> numbers = Arbitraries.frequencyOf(Tuple.of(4, near), Tuple.of(1, far));
        Arbitrary<Boolean> genuine = Arbitraries.frequencyOf(Tuple.of(5, Arbitraries.just(true)),
                Tuple.of(1, Arbitraries.just(false)));
        return Combinators.combine(numbers, genuine).as(Arrival::new).list().ofMinSize(1).ofMaxSize(150);
    }

    @Property(tries = 150)
    void shouldAcceptExactlyWhatTheModelAccepts(@ForAll("arrivals") List<Arrival> arrivals) {
        // Seal every datagram up front, in increasing packet number order, as a sender would.
        Map<Long, byte[]> genuine = sealAll(arrivals, true, KEY);
        Map<Long, byte[]> forged = sealAll(arrivals, false, WRONG);
        List<Long> delivered = new ArrayList<>();
        Engine engine = new Engine(EngineConfig.builder().seed(1).protection(AeadProtection.of(KEY)).build(),
                new EngineOutput() {
                    @Override
                    public void transmit(InetSocketAddress to, ByteBuffer datagram) {
                    }

                    @Override
                    public void deliver(InetSocketAddress from, DeliveryMode mode, ByteBuffer payload, long nowNanos) {
                        delivered.add(payload.getLong(payload.position()));
                    }
                }, 0);

        Set<Long> accepted = new HashSet<>();
        long largest = -1;
        long replays = 0;
        long forgeries = 0;
        EngineMetrics m = engine.metrics();
        for (Arrival a : arrivals) {
            long pn = a.packetNumber();
            byte[] datagram = (a.genuine() ? genuine : forged).get(pn).clone();
            engine.receive(FROM, ByteBuffer.wrap(datagram), 0);
            // Seen or too old: refused before decryption, whoever sealed it. Else only the key decides.
            boolean seenOrOld = accepted.contains(pn) || (largest >= 0 && largest - pn >= WINDOW);
            if (seenOrOld) {
                replays++;
            } else if (!a.genuine()) {
                forgeries++;
            } else {
                accepted.add(pn);
                largest = Math.max(largest, pn);
                assertEquals(pn, delivered.get(delivered.size() - 1), "after " + a + ", arrivals " + arrivals);
            }
            assertEquals(accepted.size(), delivered.size(), "after " + a + ", arrivals " + arrivals);
            assertEquals(replays, m.replaysDropped(), "after " + a + ", arrivals " + arrivals);
            assertEquals(forgeries, m.authFailures(), "after " + a + ", arrivals " + arrivals);
        }
    }

    private static Map<Long, byte[]> sealAll(List<Arrival> arrivals, boolean genuine, Key key) {
        TreeMap<Long, byte[]> sealed = new TreeMap<>();
        for (Arrival a : arrivals) {
            if (a.genuine() == genuine) {
                sealed.put(a.packetNumber(), null);
            }
        }
        AeadProtection sender = AeadProtection.of(key);
        for (Map.Entry<Long, byte[]> e : sealed.entrySet()) {
            long pn = e.getKey();
            byte[] plain = new Datagram(SENDER, 0, pn, List.of(DataFrame.whole(DeliveryMode.UNRELIABLE, pn,
                    ByteBuffer.allocate(8).putLong(pn).array()))).encode();
            ByteBuffer b = ByteBuffer.allocate(plain.length + 16);
            b.put(plain).flip();
            sender.seal(FROM, SENDER, 0, pn, b, WireWriter.headerLength(pn));
            e.setValue(Arrays.copyOf(b.array(), b.limit()));
        }
        return sealed;
    }
}
