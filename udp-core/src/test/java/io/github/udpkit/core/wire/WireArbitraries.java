package io.github.udpkit.core.wire;

import io.github.udpkit.api.DeliveryMode;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Tuple;

/** Generators of valid datagrams and frames, covering every field's varint lengths. */
final class WireArbitraries {
    private WireArbitraries() {
    }

    static Arbitrary<Long> varints() {
        return VarintTest.anyVarint();
    }

    /** Packet numbers, 0..2<sup>53</sup>-1 (the varints beyond are malformed as packet numbers). */
    static Arbitrary<Long> packetNumbers() {
        return Arbitraries.longs().between(0, WireFormat.MAX_PACKET_NUMBER);
    }

    static Arbitrary<Datagram> datagrams() {
        Arbitrary<Long> sources = Arbitraries.longs().filter(l -> l != 0);
        Arbitrary<Long> destinations = Arbitraries.oneOf(Arbitraries.just(0L), Arbitraries.longs());
        Arbitrary<Datagram> regular = Combinators.combine(sources, destinations, packetNumbers(),
                frames().list().ofMinSize(1).ofMaxSize(6), tokens().optional(), Arbitraries.integers().between(0, 40))
                .as((source, destination, pn, frames, token, padding) -> {
                    List<Frame> all = new ArrayList<>();
                    token.ifPresent(t -> all.add(new TokenFrame(t)));
                    all.addAll(frames);
                    if (padding > 0) {
                        all.add(new PaddingFrame(padding));
                    }
                    return new Datagram(source, destination, pn, all);
                });
        Arbitrary<Datagram> retries = Combinators.combine(sources, destinations, packetNumbers(), tokens())
                .as((source, destination, pn, token) -> new Datagram(source, destination, pn,
                        List.of(new RetryFrame(token))));
        return Arbitraries.frequencyOf(Tuple.of(9, regular), Tuple.of(1, retries));
    }

    /** Tokens of every legal length: TOKEN leads a datagram, RETRY stands alone, PADDING ends one. */
    static Arbitrary<byte[]> tokens() {
        return Arbitraries.bytes().array(byte[].class).ofMinSize(1).ofMaxSize(WireFormat.MAX_TOKEN_LENGTH);
    }

    static Arbitrary<Frame> frames() {
        return Arbitraries.oneOf(
                Arbitraries.just(new PingFrame()),
                varints().map(CloseFrame::new),
                acks(),
                wholeData(),
                fragments());
    }

    static Arbitrary<DeliveryMode> framedModes() {
        return Arbitraries.of(DeliveryMode.UNRELIABLE, DeliveryMode.SEQUENCED, DeliveryMode.RELIABLE_UNORDERED,
                DeliveryMode.RELIABLE);
    }

    static Arbitrary<Frame> wholeData() {
        return Combinators.combine(framedModes(), varints(), Arbitraries.bytes().array(byte[].class).ofMaxSize(300))
                .as(DataFrame::whole);
    }

    static Arbitrary<Frame> fragments() {
        Arbitrary<int[]> geometry = Arbitraries.integers().between(2, 5000).flatMap(total ->
                Arbitraries.integers().between(1, total - 1).flatMap(size -> {
                    int count = (total + size - 1) / size;
                    return Arbitraries.integers().between(0, count - 1).map(index -> new int[] {total, size, index});
                }));
        return Combinators.combine(framedModes(), varints(), geometry).flatAs((mode, seq, g) -> {
            int count = (g[0] + g[1] - 1) / g[1];
            int length = g[2] < count - 1 ? g[1] : g[0] - (count - 1) * g[1];
            return Arbitraries.bytes().array(byte[].class).ofSize(length)
                    .map(p -> new DataFrame(mode, seq, g[0], g[1], g[2], p));
        });
    }

    static Arbitrary<Frame> acks() {
        Arbitrary<long[]> gapsAndLengths = Arbitraries.longs().between(0, 2000).array(long[].class)
                .ofMinSize(0).ofMaxSize(2 * (WireFormat.MAX_ACK_RANGES + 4));
        Arbitrary<Long> windows = Arbitraries.longs().between(1, WireFormat.MAX_RECEIVE_WINDOW);
        return Combinators.combine(varints(), Arbitraries.longs().between(0, 5000), gapsAndLengths, windows, varints())
                .as((largest, first, gl, window, delay) -> {
                    List<AckFrame.Range> ranges = new ArrayList<>();
                    long smallest = largest - Math.min(first, largest);
                    ranges.add(new AckFrame.Range(largest, smallest));
                    for (int i = 0; i + 1 < gl.length && ranges.size() <= WireFormat.MAX_ACK_RANGES; i += 2) {
                        if (gl[i] + 2 > smallest) {
                            break;
                        }
                        long high = smallest - gl[i] - 2;
                        smallest = high - Math.min(gl[i + 1], high);
                        ranges.add(new AckFrame.Range(high, smallest));
                    }
                    return new AckFrame(delay, window, ranges);
                });
    }
}
