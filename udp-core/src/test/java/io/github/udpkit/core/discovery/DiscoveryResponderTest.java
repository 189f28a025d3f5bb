package io.github.udpkit.core.discovery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

/**
 * What a discovery responder answers, under virtual time: never more bytes than a probe had, from
 * any source however forged, and no more often than its rate limits allow.
 */
class DiscoveryResponderTest {

    private static final long SECOND = TimeUnit.SECONDS.toNanos(1);

    /** A datagram from a (possibly forged) source, at a time. */
    record Datagram(InetSocketAddress from, byte[] bytes, long atNanos) {
    }

    @Provide
    Arbitrary<Announcement> announcements() {
        Arbitrary<String> text = Arbitraries.strings().withCharRange('a', 'z').withChars('é', '한').ofMinLength(1).ofMaxLength(60);
        return Combinators.combine(text, Arbitraries.integers().between(1, 65535), text, text.list().ofMaxSize(40))
                .as(Announcement::new);
    }

    @Provide
    Arbitrary<List<Datagram>> traffic() {
        Arbitrary<InetSocketAddress> sources = Combinators.combine(
                Arbitraries.bytes().array(byte[].class).ofSize(4), Arbitraries.integers().between(1, 65535))
                .as((ip, port) -> {
                    try {
                        return new InetSocketAddress(InetAddress.getByAddress(ip), port);
                    } catch (UnknownHostException e) {
                        throw new AssertionError(e);
                    }
                });
        Arbitrary<byte[]> probes = Combinators.combine(Arbitraries.longs(), Arbitraries.integers().between(14, 1200))
                .as(DiscoveryWire::probe);
        Arbitrary<byte[]> junk = Arbitraries.bytes().array(byte[].class).ofMaxSize(100);
        Arbitrary<byte[]> bytes = Arbitraries.frequencyOf(net.jqwik.api.Tuple.of(9, probes), net.jqwik.api.Tuple.of(1, junk));
        return Combinators.combine(sources, bytes, Arbitraries.longs().between(0, 5 * SECOND))
                .as(Datagram::new).list().ofMaxSize(300)
                .map(l -> {
                    List<Datagram> sorted = new ArrayList<>(l);
                    sorted.sort((a, b) -> Long.compare(a.atNanos(), b.atNanos()));
                    return sorted;
                });
    }

    @Property(tries = 200)
    void shouldNeverSendMoreThanItReceived(@ForAll("announcements") Announcement announcement,
                                           @ForAll("traffic") List<Datagram> traffic) {
        DiscoveryResponder responder = new DiscoveryResponder(() -> announcement, 2, 50);
        long in = 0;
        long out = 0;
        for (Datagram d : traffic) {
            in += d.bytes().length;
            Optional<byte[]> reply = responder.answer(d.from(), d.bytes(), d.atNanos());
            if (reply.isPresent()) {
                assertTrue(reply.get().length <= d.bytes().length,
                        "a reply of " + reply.get().length + " bytes to a datagram of " + d.bytes().length);
                out += reply.get().length;
            }
        }
        assertTrue(out <= in);
        assertEquals(in, responder.stats().bytesIn());
        assertEquals(out, responder.stats().bytesOut());
        // 50 a second in all, a burst of 50: at most 50 + 50 × 5 s answers whatever the sources.
        assertTrue(responder.stats().answered() <= 50 + 50 * 5, responder.stats().toString());
    }

    @Property(tries = 50)
    void shouldAnswerAProbeBigEnoughWithTheAnnouncement(@ForAll("announcements") Announcement announcement,
                                                        @ForAll @IntRange(min = 1200, max = 1200) int size) {
        DiscoveryResponder responder = new DiscoveryResponder(() -> announcement, 2, 50);
        byte[] reply = responder.answer(new InetSocketAddress(InetAddress.getLoopbackAddress(), 5000),
                DiscoveryWire.probe(42, size), 0).orElseThrow();
        DiscoveryWire.Reply decoded = DiscoveryWire.decodeReply(reply).orElseThrow();
        assertEquals(42, decoded.nonce());
        assertEquals(announcement.name(), decoded.announcement().name());
        assertEquals(announcement.port(), decoded.announcement().port());
        assertEquals(decoded.roomsTruncated(), decoded.announcement().rooms().size() < announcement.rooms().size());
        assertEquals(announcement.rooms().subList(0, decoded.announcement().rooms().size()), decoded.announcement().rooms());
    }

    @Test
    void shouldLimitAnswersPerSourceAndInAll() throws Exception {
        Announcement box = new Announcement("box", 12000, "chat", List.of("lobby"));
        DiscoveryResponder responder = new DiscoveryResponder(() -> box, 2, 10);
        InetSocketAddress one = new InetSocketAddress(InetAddress.getByName("192.0.2.1"), 5000);
        int answered = 0;
        for (int i = 0; i < 100; i++) {
            answered += responder.answer(one, DiscoveryWire.probe(i, 512), 0).isPresent() ? 1 : 0;
        }
        assertEquals(2, answered, "one source: its burst, then nothing until it refills");
        assertEquals(98, responder.stats().rateLimited());
        assertTrue(responder.answer(one, DiscoveryWire.probe(7, 512), SECOND).isPresent(), "refilled a second later");

        DiscoveryResponder global = new DiscoveryResponder(() -> box, 2, 10);
        answered = 0;
        for (int i = 0; i < 1000; i++) {
            InetSocketAddress forged = new InetSocketAddress(InetAddress.getByAddress(
                    new byte[] {(byte) 198, 51, (byte) (i >> 8), (byte) i}), 5000);
            answered += global.answer(forged, DiscoveryWire.probe(i, 512), 0).isPresent() ? 1 : 0;
        }
        assertEquals(10, answered, "a thousand forged sources: the global burst, no more");
    }

    @Test
    void shouldCountWhatItDoesNotAnswer() {
        Announcement box = new Announcement("box", 12000, "chat", List.of("lobby"));
        DiscoveryResponder responder = new DiscoveryResponder(() -> box, 100, 100);
        InetSocketAddress from = new InetSocketAddress(InetAddress.getLoopbackAddress(), 5000);
        assertTrue(responder.answer(from, "hello".getBytes(java.nio.charset.StandardCharsets.UTF_8), 0).isEmpty());
        assertTrue(responder.answer(from, DiscoveryWire.probe(1, 14), 0).isEmpty(), "too small for any reply");
        assertTrue(responder.answer(from, DiscoveryWire.probe(1, 28), 0).isPresent());
        DiscoveryResponder.Stats s = responder.stats();
        assertEquals(1, s.malformed());
        assertEquals(1, s.withheld());
        assertEquals(1, s.truncated());
        assertEquals(1, s.answered());
    }

    @Property(tries = 20)
    void shouldTolerateAnyBytes(@ForAll @Size(max = 200) byte[] datagram) {
        DiscoveryResponder responder = new DiscoveryResponder(
                () -> new Announcement("box", 1, "chat", List.of()), 2, 50);
        Optional<byte[]> reply = responder.answer(new InetSocketAddress(InetAddress.getLoopbackAddress(), 1), datagram, 0);
        assertTrue(reply.isEmpty() || reply.get().length <= datagram.length);
    }
}
