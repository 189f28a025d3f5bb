package io.github.udpkit.core.protocol;

import static io.github.udpkit.core.protocol.EngineNet.MS;
import static io.github.udpkit.core.protocol.EngineNet.numbered;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.udpkit.api.DeliveryMode;
import io.github.udpkit.core.protocol.EngineNet.Node;
import io.github.udpkit.core.wire.DataFrame;
import io.github.udpkit.core.wire.Datagram;
import io.github.udpkit.core.wire.Frame;
import io.github.udpkit.core.wire.PaddingFrame;
import io.github.udpkit.core.wire.PingFrame;
import io.github.udpkit.core.wire.RetryFrame;
import io.github.udpkit.core.wire.TokenFrame;
import io.github.udpkit.core.wire.WireFormat;
import io.github.udpkit.core.wire.WireReader;
import io.github.udpkit.core.wire.WireWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Address validation before state, engine against engine in virtual time: a server that validates
 * keeps nothing for an address and never sends it more than it received until the address echoes
 * a cookie; clients, validating or not, answer RETRYs and get their messages through, once and in
 * order, also when RETRYs and cookie-bearing datagrams are lost.
 */
@Timeout(60)
class AddressValidationTest {
    private static final long SECOND = 1000 * MS;

    private static EngineConfig validating(long seed) {
        return EngineNet.config(seed).addressValidation(true).build();
    }

    static InetSocketAddress address(int i) {
        byte[] ip = {10, (byte) (i >>> 16), (byte) (i >>> 8), (byte) i};
        try {
            return new InetSocketAddress(InetAddress.getByAddress(ip), 1024 + (i % 60_000));
        } catch (UnknownHostException e) {
            throw new AssertionError(e);
        }
    }

    static byte[] sealed(Datagram d, PacketProtection protection) {
        byte[] plain = d.encode();
        ByteBuffer b = ByteBuffer.allocate(plain.length + protection.overhead());
        b.put(plain).flip();
        protection.seal(null, d.sourceSession(), d.destinationSession(), d.packetNumber(), b,
                WireWriter.headerLength(d.packetNumber()));
        byte[] out = new byte[b.remaining()];
        b.get(out);
        return out;
    }

    /** The datagram a fresh client sends first: RELIABLE #0, padded to the size every opening datagram has. */
    private static byte[] opening(long session, List<Frame> lead, byte[] message) {
        List<Frame> frames = new ArrayList<>(lead);
        frames.add(DataFrame.whole(DeliveryMode.RELIABLE, 0, message));
        int length = new Datagram(session, 0, 0, frames).encodedLength();
        if (length < WireFormat.MIN_PADDED_LENGTH) {
            frames.add(new PaddingFrame(WireFormat.MIN_PADDED_LENGTH - length));
        }
        return sealed(new Datagram(session, 0, 0, frames), PacketProtection.crc32c());
    }

    /** The first frame of a datagram: what a RETRY or a TOKEN-led datagram starts with. */
    private static int firstFrameType(byte[] bytes) {
        WireReader reader = new WireReader();
        ByteBuffer b = ByteBuffer.wrap(bytes);
        if (reader.readHeader(b, 0, bytes.length) != WireReader.OK) {
            return -1;
        }
        return bytes[reader.headerLength()] & 0xff;
    }

    private static byte[] retryToken(byte[] sealedRetry) {
        Datagram d = Datagram.decode(ByteBuffer.wrap(sealedRetry, 0, sealedRetry.length - 4));
        return ((RetryFrame) d.frames().get(0)).token();
    }

    private static void assertDeliveredInOrder(Node node, int count, String context) {
        assertEquals(count, node.delivered.size(), context);
        for (int i = 0; i < count; i++) {
            assertEquals(i, node.delivered.get(i).number(), context);
        }
    }

    @Test
    void shouldBeOffByDefaultAndCarryItsSettingsThroughToBuilder() {
        assertFalse(EngineConfig.defaults().addressValidation());
        assertEquals(1000, EngineConfig.defaults().maxRetriesPerSecond());
        EngineConfig on = EngineConfig.builder().addressValidation(true).maxRetriesPerSecond(7).build();
        EngineConfig copy = on.toBuilder().build();
        assertTrue(copy.addressValidation());
        assertEquals(7, copy.maxRetriesPerSecond());
        assertTrue(copy.toString().contains("addressValidation=true"), copy.toString());
        IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> EngineConfig.builder().maxRetriesPerSecond(0));
        assertTrue(e.getMessage().contains("maxRetriesPerSecond") && e.getMessage().endsWith(": 0"), e.getMessage());
    }

    @Test
    void shouldAnswerASpoofedSourceWithNoMoreBytesThanItSentAndKeepNoState() {
        EngineNet net = new EngineNet(301);
        Node server = net.node(validating(2));
        InetSocketAddress spoofed = address(7);
        List<byte[]> toSpoofed = new ArrayList<>();
        net.dropRule = (from, to, bytes) -> to.equals(spoofed) && toSpoofed.add(bytes);
        List<byte[]> attempts = List.of(
                opening(42, List.of(), "join".getBytes(StandardCharsets.UTF_8)),
                opening(43, List.of(), new byte[1000]),
                sealed(new Datagram(44, 0, 0, List.of(new PingFrame())), PacketProtection.crc32c()), // 26 bytes
                sealed(new Datagram(45, 0, 0, List.of(new PingFrame(), new PaddingFrame(42))), PacketProtection.crc32c()),
                sealed(new Datagram(46, 99, 3, List.of(new PingFrame(), new PaddingFrame(40))),   // a "stale" session
                        PacketProtection.crc32c()));
        long bytesFromSpoofed = 0;
        for (byte[] d : attempts) {
            int before = toSpoofed.size();
            server.engine.receive(spoofed, ByteBuffer.wrap(d), net.now());
            bytesFromSpoofed += d.length;
            assertTrue(toSpoofed.size() - before <= 1, "one answer at most");
            for (int i = before; i < toSpoofed.size(); i++) {
                assertTrue(toSpoofed.get(i).length <= d.length,
                        "a RETRY of " + toSpoofed.get(i).length + " bytes answers " + d.length);
                assertEquals(WireFormat.FRAME_RETRY, firstFrameType(toSpoofed.get(i)));
            }
            net.runFor(10 * MS);
        }
        net.runFor(120 * SECOND); // no timer, no keep-alive, nothing: there is no state to run one
        long bytesToSpoofed = toSpoofed.stream().mapToLong(b -> b.length).sum();
        assertTrue(bytesToSpoofed <= bytesFromSpoofed, bytesToSpoofed + " > " + bytesFromSpoofed);
        assertEquals(4, toSpoofed.size(), "every datagram but the 26-byte PING was answered, once");
        EngineMetrics m = server.engine.metrics();
        assertEquals(0, server.engine.peerCount());
        assertEquals(0, m.peers());
        assertTrue(server.connected.isEmpty());
        assertEquals(4, m.addressValidationRetries());
        assertEquals(1, m.retriesSuppressed(), "the RETRY would have been larger than the PING");
        assertEquals(0, m.invalidCookies());
    }

    @Test
    void shouldValidateAClientThatKnowsNothingOfItAndDeliverOnceInOrder() {
        EngineNet net = new EngineNet(302);
        Node server = net.node(validating(2));
        Node client = net.node(EngineNet.config(1).build()); // validation off: clients need no setting
        List<CompletableFuture<Void>> sends = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            CompletableFuture<Void> f = new CompletableFuture<>();
            client.engine.send(server.address, DeliveryMode.RELIABLE, numbered(i, 64), f, net.now());
            sends.add(f);
        }
        long start = net.now();
        assertTrue(net.runUntil(() -> !server.delivered.isEmpty(), 10 * SECOND));
        // One way takes 1 ms: the datagram, the RETRY back, and at once the datagram again with the
        // cookie. One round trip more than without validation, and no timer waited on.
        assertEquals(3 * MS, net.now() - start, "first delivery after " + (net.now() - start) + " ns");
        assertTrue(net.runUntil(() -> sends.stream().allMatch(CompletableFuture::isDone), 30 * SECOND));
        sends.forEach(CompletableFuture::join);
        net.runFor(SECOND);
        assertDeliveredInOrder(server, 300, net.describe());
        assertEquals(1, server.engine.peerCount());
        assertEquals(List.of(client.address), server.connected);
        assertTrue(server.engine.metrics().addressValidationRetries() >= 1);
        assertEquals(1, client.engine.metrics().retriesReceived(), "the first RETRY resent the whole flight");
        long retries = server.engine.metrics().addressValidationRetries();

        // Validated: the conversation goes both ways, with no more cookies.
        CompletableFuture<Void> reply = new CompletableFuture<>();
        server.engine.send(client.address, DeliveryMode.RELIABLE, numbered(0, 64), reply, net.now());
        CompletableFuture<Void> more = new CompletableFuture<>();
        client.engine.send(server.address, DeliveryMode.RELIABLE, numbered(300, 64), more, net.now());
        assertTrue(net.runUntil(() -> reply.isDone() && more.isDone(), 10 * SECOND));
        assertEquals(1, client.delivered.size());
        assertDeliveredInOrder(server, 301, net.describe());
        assertEquals(retries, server.engine.metrics().addressValidationRetries());
    }

    @ParameterizedTest
    @ValueSource(longs = {11, 12, 13, 14})
    void shouldDeliverOnceInOrderUnderLossWhenRetriesAndTokensAreLost(long seed) {
        EngineNet net = new EngineNet(seed);
        net.loss = 0.2;
        net.jitter = 2 * MS;
        Node server = net.node(validating(seed * 2 + 1));
        Node client = net.node(EngineNet.config(seed * 2).build());
        int[] lost = new int[2]; // RETRYs, TOKEN-led datagrams dropped on purpose
        net.dropRule = (from, to, bytes) -> {
            int type = firstFrameType(bytes);
            if (type == WireFormat.FRAME_RETRY && lost[0] < 2) {
                lost[0]++;
                return true;
            }
            if (type == WireFormat.FRAME_TOKEN && lost[1] < 2) {
                lost[1]++;
                return true;
            }
            return false;
        };
        List<CompletableFuture<Void>> sends = new ArrayList<>();
        for (int i = 0; i < 400; i++) {
            CompletableFuture<Void> f = new CompletableFuture<>();
            client.engine.send(server.address, DeliveryMode.RELIABLE, numbered(i, 1 + i * 37 % 2500), f, net.now());
            sends.add(f);
        }
        String context = net.describe();
        assertTrue(net.runUntil(() -> sends.stream().allMatch(CompletableFuture::isDone), 120 * SECOND), context);
        sends.forEach(CompletableFuture::join);
        net.runFor(SECOND);
        assertDeliveredInOrder(server, 400, context);
        assertEquals(2, lost[0], context);
        assertEquals(2, lost[1], context);
        assertTrue(server.engine.metrics().addressValidationRetries() >= 3, "answered again after each loss: " + context);
        assertEquals(1, server.engine.peerCount(), context);
    }

    @Test
    void shouldKeepRetransmittingOnItsTimerWhenEveryRetryIsLostForAWhile() {
        EngineNet net = new EngineNet(303);
        Node server = net.node(validating(2));
        Node client = net.node(EngineNet.config(1).build());
        int[] retriesSeen = {0};
        net.dropRule = (from, to, bytes) -> firstFrameType(bytes) == WireFormat.FRAME_RETRY && retriesSeen[0]++ < 3;
        CompletableFuture<Void> f = new CompletableFuture<>();
        client.engine.send(server.address, DeliveryMode.RELIABLE, numbered(0, 10), f, net.now());
        assertTrue(net.runUntil(f::isDone, 30 * SECOND));
        f.join();
        assertDeliveredInOrder(server, 1, net.describe());
        assertTrue(retriesSeen[0] >= 4, "the first three lost: " + retriesSeen[0]);
        assertEquals(retriesSeen[0], server.engine.metrics().addressValidationRetries(),
                "a fresh RETRY for each retransmission and probe");
        assertEquals(1, client.engine.metrics().retriesReceived());
        assertTrue(net.now() > 2 * SECOND, "the client waited on its timers: " + net.now() / MS + " ms");
    }

    @Test
    void shouldValidateAConversationOfUnreliableMessagesWithAPing() {
        EngineNet net = new EngineNet(304);
        Node server = net.node(validating(2));
        Node client = net.node(EngineNet.config(1).build());
        client.engine.send(server.address, DeliveryMode.UNRELIABLE, numbered(0, 8), new CompletableFuture<>(), net.now());
        net.runFor(20 * MS);
        assertEquals(1, server.engine.peerCount(), "the PING that answered the RETRY created the peer");
        assertEquals(0, server.delivered.size(), "the first unreliable message was dropped, as unreliable ones may be");
        client.engine.send(server.address, DeliveryMode.UNRELIABLE, numbered(1, 8), new CompletableFuture<>(), net.now());
        net.runFor(20 * MS);
        assertEquals(1, server.delivered.size());
        assertEquals(1, server.delivered.get(0).number());
    }

    @Test
    void shouldConnectTwoValidatingEnginesInBothDirections() {
        EngineNet net = new EngineNet(305);
        Node a = net.node(validating(1));
        Node b = net.node(validating(2));
        CompletableFuture<Void> ab = new CompletableFuture<>();
        a.engine.send(b.address, DeliveryMode.RELIABLE, numbered(0, 64), ab, net.now());
        assertTrue(net.runUntil(ab::isDone, 10 * SECOND));
        CompletableFuture<Void> ba = new CompletableFuture<>();
        b.engine.send(a.address, DeliveryMode.RELIABLE, numbered(0, 64), ba, net.now());
        assertTrue(net.runUntil(ba::isDone, 10 * SECOND));
        assertEquals(1, a.delivered.size());
        assertEquals(1, b.delivered.size());
        assertEquals(1, b.engine.metrics().addressValidationRetries(), "b validated a once");
        assertEquals(0, a.engine.metrics().addressValidationRetries(), "b was validated by a's own send");
    }

    @Test
    void shouldRevalidateAClientAfterTheServerRestarts() {
        EngineNet net = new EngineNet(306);
        Node server = net.node(validating(2));
        Node client = net.node(EngineNet.config(1).build());
        CompletableFuture<Void> first = new CompletableFuture<>();
        client.engine.send(server.address, DeliveryMode.RELIABLE, numbered(0, 64), first, net.now());
        assertTrue(net.runUntil(first::isDone, 10 * SECOND));
        net.restart(server, validating(3));
        server.delivered.clear();
        CompletableFuture<Void> second = new CompletableFuture<>();
        client.engine.send(server.address, DeliveryMode.RELIABLE, numbered(1, 64), second, net.now());
        assertTrue(net.runUntil(second::isDone, 20 * SECOND));
        second.join();
        assertEquals(1, server.delivered.size());
        assertEquals(1, server.delivered.get(0).number());
        assertTrue(server.engine.metrics().addressValidationRetries() >= 1, "the restarted server knew nothing of it");
        assertEquals(1, server.engine.peerCount());
    }

    @Test
    void shouldStayBoundedUnderAFloodFromManyAddressesWhileServingAValidatedClient() {
        EngineNet net = new EngineNet(307);
        Node server = net.node(EngineNet.config(2).addressValidation(true).maxRetriesPerSecond(500).build());
        Node client = net.node(EngineNet.config(1).build());
        long[] toFlood = new long[2]; // datagrams, bytes
        net.dropRule = (from, to, bytes) -> {
            if (to.getAddress().getAddress()[0] == 10) {
                toFlood[0]++;
                toFlood[1] += bytes.length;
                return true; // forged sources: nobody there
            }
            return false;
        };
        CompletableFuture<Void> hello = new CompletableFuture<>();
        client.engine.send(server.address, DeliveryMode.RELIABLE, numbered(0, 64), hello, net.now());
        assertTrue(net.runUntil(hello::isDone, 10 * SECOND));
        EngineMetrics m = server.engine.metrics();
        long retriesBefore = m.addressValidationRetries();

        byte[] forged = opening(77, List.of(), "let me in".getBytes(StandardCharsets.UTF_8));
        byte[] forgedWithToken = opening(78, List.of(new TokenFrame(new byte[AddressValidator.TOKEN_LENGTH])),
                "let me in".getBytes(StandardCharsets.UTF_8));
        List<CompletableFuture<Void>> sends = new ArrayList<>();
        long start = net.now();
        long bytesFromFlood = 0;
        int flood = 100_000;
        int sent = 1;
        for (int i = 0; i < flood; i++) {
            byte[] d = i % 10 == 0 ? forgedWithToken : forged;
            server.engine.receive(address(i), ByteBuffer.wrap(d), net.now());
            bytesFromFlood += d.length;
            if (i % 100 == 99) { // 100,000 datagrams over 10 s of virtual time, and the client talks throughout
                CompletableFuture<Void> f = new CompletableFuture<>();
                client.engine.send(server.address, DeliveryMode.RELIABLE, numbered(sent++, 64), f, net.now());
                sends.add(f);
                net.runFor(10 * MS);
                assertEquals(1, server.engine.peerCount(), "only the validated client has state");
            }
        }
        long elapsedSeconds = (net.now() - start) / SECOND;
        assertTrue(net.runUntil(() -> sends.stream().allMatch(CompletableFuture::isDone), 10 * SECOND));
        sends.forEach(CompletableFuture::join);
        assertDeliveredInOrder(server, sent, net.describe());

        assertEquals(1, server.engine.peerCount());
        assertEquals(1, m.peers());
        assertEquals(List.of(client.address), server.connected);
        assertEquals(0, m.peersRefused() + m.peersEvicted(), "the flood never reached the peer table");
        long retries = m.addressValidationRetries() - retriesBefore;
        assertEquals(flood, retries + m.retriesSuppressed(), "every forged datagram dropped, and counted once");
        assertEquals(flood / 10, m.invalidCookies());
        assertTrue(retries <= 500L * (elapsedSeconds + 2), retries + " RETRYs in " + elapsedSeconds + " s");
        assertTrue(m.retriesSuppressed() > 0, "the RETRY budget ran out");
        assertEquals(retries, toFlood[0], "one RETRY per answered datagram, nothing else");
        assertTrue(toFlood[1] <= bytesFromFlood);
    }

    @Test
    void shouldRejectACookieFromAnotherAddressAnotherSessionOrAnExpiredBucket() {
        EngineNet net = new EngineNet(308);
        Node server = net.node(validating(2));
        InetSocketAddress client = address(1);
        InetSocketAddress other = address(2);
        List<byte[]> retries = new ArrayList<>();
        net.dropRule = (from, to, bytes) -> retries.add(bytes);
        long session = 0x1234;
        server.engine.receive(client, ByteBuffer.wrap(opening(session, List.of(), new byte[] {1})), net.now());
        assertEquals(1, retries.size());
        byte[] token = retryToken(retries.get(0));
        assertEquals(AddressValidator.TOKEN_LENGTH, token.length);
        EngineMetrics m = server.engine.metrics();

        byte[] echoed = opening(session, List.of(new TokenFrame(token)), new byte[] {1});
        server.engine.receive(other, ByteBuffer.wrap(echoed), net.now());
        assertEquals(1, m.invalidCookies(), "made for another address");
        server.engine.receive(new InetSocketAddress(client.getAddress(), client.getPort() + 1), ByteBuffer.wrap(echoed),
                net.now());
        assertEquals(2, m.invalidCookies(), "made for another port");
        byte[] otherSession = opening(session + 1, List.of(new TokenFrame(token)), new byte[] {1});
        server.engine.receive(client, ByteBuffer.wrap(otherSession), net.now());
        assertEquals(3, m.invalidCookies(), "made for another session");
        byte[] tampered = token.clone();
        tampered[5] ^= 1;
        server.engine.receive(client, ByteBuffer.wrap(opening(session, List.of(new TokenFrame(tampered)), new byte[] {1})),
                net.now());
        assertEquals(4, m.invalidCookies(), "tampered");
        assertEquals(0, server.engine.peerCount());

        net.runFor(2 * AddressValidator.BUCKET_NANOS + MS); // two buckets on: expired
        server.engine.receive(client, ByteBuffer.wrap(echoed), net.now());
        assertEquals(5, m.invalidCookies(), "expired");
        assertEquals(0, server.engine.peerCount());
        assertEquals(6, m.addressValidationRetries(), "each invalid cookie was answered with a fresh one");

        // A fresh cookie, echoed from the right address and session, a bucket later: accepted.
        byte[] fresh = retryToken(retries.get(retries.size() - 1));
        assertFalse(Arrays.equals(token, fresh));
        net.runFor(AddressValidator.BUCKET_NANOS);
        server.engine.receive(client, ByteBuffer.wrap(opening(session, List.of(new TokenFrame(fresh)), new byte[] {1})),
                net.now());
        assertEquals(5, m.invalidCookies());
        assertEquals(1, server.engine.peerCount(), "a cookie of the previous bucket is still good");
        assertEquals(List.of(client), server.connected);
        assertEquals(1, server.delivered.size());
    }

    @Property(tries = 300)
    void shouldNeverValidateOrThrowForArbitraryCookieBytes(
            @ForAll @Size(min = 1, max = WireFormat.MAX_TOKEN_LENGTH) byte[] token, @ForAll long session,
            @ForAll int source) {
        EngineNet net = new EngineNet(session);
        Node server = net.node(validating(2));
        net.dropRule = (from, to, bytes) -> true;
        long s = session == 0 ? 1 : session;
        byte[] d = opening(s, List.of(new TokenFrame(token)), new byte[] {1, 2, 3});
        server.engine.receive(address(source & 0xffffff), ByteBuffer.wrap(d), net.now());
        assertEquals(0, server.engine.peerCount());
        assertEquals(1, server.engine.metrics().invalidCookies());
        assertEquals(1, server.engine.metrics().addressValidationRetries() + server.engine.metrics().retriesSuppressed());
    }

    @Property(tries = 200)
    void shouldKeepStateOnlyForTheRealClientAndNeverAmplifyWhateverArrives(
            @ForAll @Size(max = 60) List<@Size(max = 120) byte[]> garbage, @ForAll long seed) {
        // Without protection, garbage and mutated datagrams (RETRYs and TOKENs among them) reach
        // the frame parser and the address validation of both sides.
        EngineNet net = new EngineNet(seed);
        Node server = net.node(EngineNet.config(2).protection(PacketProtection.none()).addressValidation(true).build());
        Node client = net.node(EngineNet.config(1).protection(PacketProtection.none()).build());
        List<byte[]> seen = new ArrayList<>();
        java.util.Map<InetSocketAddress, Long> toStrangers = new java.util.HashMap<>();
        java.util.Map<InetSocketAddress, Long> fromStrangers = new java.util.HashMap<>();
        net.dropRule = (from, to, bytes) -> {
            if (!to.equals(client.address) && !to.equals(server.address)) {
                if (from.equals(server.address)) { // the client does not validate: it may answer strangers
                    toStrangers.merge(to, (long) bytes.length, Long::sum);
                }
                return true;
            }
            seen.add(bytes);
            return false;
        };
        for (int i = 0; i < 20; i++) {
            client.engine.send(server.address, DeliveryMode.values()[1 + i % 4], numbered(i, i * 131 % 2000),
                    new CompletableFuture<>(), net.now());
        }
        net.runFor(20 * MS);
        Random random = new Random(seed);
        for (byte[] g : garbage) {
            InetSocketAddress stranger = address(random.nextInt(50));
            byte[] mutated = seen.get(random.nextInt(seen.size())).clone();
            for (int k = random.nextInt(3); k >= 0; k--) {
                mutated[random.nextInt(mutated.length)] = (byte) random.nextInt();
            }
            for (byte[] d : List.of(g, mutated)) {
                server.engine.receive(stranger, ByteBuffer.wrap(d.clone()), net.now());
                fromStrangers.merge(stranger, (long) d.length, Long::sum);
            }
            server.engine.receive(client.address, ByteBuffer.wrap(mutated.clone()), net.now());
            client.engine.receive(server.address, ByteBuffer.wrap(mutated.clone()), net.now());
            client.engine.receive(stranger, ByteBuffer.wrap(mutated.clone()), net.now());
            server.engine.update(net.now());
            client.engine.update(net.now());
        }
        net.runFor(100 * MS);
        assertTrue(server.engine.peerCount() <= 1, "state for strangers: " + server.connected);
        assertTrue(server.connected.stream().allMatch(client.address::equals), server.connected.toString());
        toStrangers.forEach((to, bytes) -> assertTrue(bytes <= fromStrangers.getOrDefault(to, 0L),
                to + " got " + bytes + " bytes for " + fromStrangers.get(to)));
    }

    @Property(tries = 500)
    void shouldNeverAcceptArbitraryBytesAsACookie(@ForAll @Size(max = 64) byte[] token, @ForAll long session,
            @ForAll long now) {
        Random random = new Random(session);
        AddressValidator validator = new AddressValidator(random::nextBytes);
        InetSocketAddress client = address(3);
        assertFalse(validator.isValid(client, session, ByteBuffer.wrap(token), 0, token.length, now));
        byte[] real = new byte[AddressValidator.TOKEN_LENGTH];
        validator.token(client, session, now, real, 0);
        assertTrue(validator.isValid(client, session, ByteBuffer.wrap(real), 0, real.length, now), "control");
    }

    @Test
    void shouldIgnoreRetriesForOtherSessionsAndRetriesInAFlood() {
        EngineNet net = new EngineNet(309);
        Node server = net.node(validating(2));
        Node client = net.node(EngineNet.config(1).build());
        List<byte[]> fromClient = new ArrayList<>();
        net.dropRule = (from, to, bytes) -> from.equals(client.address) && fromClient.add(bytes) && false;
        CompletableFuture<Void> f = new CompletableFuture<>();
        client.engine.send(server.address, DeliveryMode.RELIABLE, numbered(0, 64), f, net.now());
        client.engine.update(net.now());
        long session = Datagram.decode(ByteBuffer.wrap(fromClient.get(0), 0, fromClient.get(0).length - 4))
                .sourceSession();
        EngineMetrics m = client.engine.metrics();
        byte[] wrongSession = sealed(new Datagram(9, session + 1, 0, List.of(new RetryFrame(new byte[] {1}))),
                PacketProtection.crc32c());
        client.engine.receive(server.address, ByteBuffer.wrap(wrongSession), net.now());
        byte[] stranger = sealed(new Datagram(9, session, 0, List.of(new RetryFrame(new byte[] {1}))),
                PacketProtection.crc32c());
        client.engine.receive(address(5), ByteBuffer.wrap(stranger), net.now());
        assertEquals(2, m.staleSessionDropped());
        assertEquals(0, m.retriesReceived());
        for (int i = 0; i < 50; i++) {
            client.engine.receive(server.address, ByteBuffer.wrap(stranger), net.now());
        }
        assertEquals(1, m.retriesReceived(), "one RETRY acted on; the rest of the burst dropped");
        assertEquals(49, m.duplicatesDropped());
        int before = fromClient.size();
        client.engine.update(net.now());
        assertEquals(1, fromClient.size() - before, "one resend, not fifty");
        assertEquals(WireFormat.FRAME_TOKEN, firstFrameType(fromClient.get(before)));
        // Long after (a second cut off, so the engines' own resends change nothing): the same RETRY
        // replayed is still ignored, a new cookie is not.
        EngineNet.DropRule capture = net.dropRule;
        net.dropRule = (from, to, bytes) -> true;
        net.runFor(SECOND);
        net.dropRule = capture;
        client.engine.receive(server.address, ByteBuffer.wrap(stranger), net.now());
        assertEquals(1, m.retriesReceived(), "a replayed RETRY does nothing");
        byte[] another = sealed(new Datagram(10, session, 0, List.of(new RetryFrame(new byte[] {2}))),
                PacketProtection.crc32c());
        client.engine.receive(server.address, ByteBuffer.wrap(another), net.now());
        assertEquals(2, m.retriesReceived());
        // The forged cookie gets the client nowhere; after a retransmission timeout a real RETRY gets it through.
        assertTrue(net.runUntil(f::isDone, 10 * SECOND));
        f.join();
        assertEquals(1, server.delivered.size());
    }

    @Test
    void shouldAuthenticateBeforeAnsweringAndProtectTheRetry() {
        EngineNet net = new EngineNet(310);
        PacketProtection key = new KeyedProtection(new byte[32]);
        byte[] otherKey = new byte[32];
        otherKey[0] = 1;
        Node server = net.node(EngineNet.config(2).protection(key).addressValidation(true).build());
        Node client = net.node(EngineNet.config(1).protection(key).build());
        InetSocketAddress attacker = address(9);
        List<byte[]> toAttacker = new ArrayList<>();
        List<byte[]> retriesToClient = new ArrayList<>();
        net.dropRule = (from, to, bytes) -> {
            if (to.equals(attacker)) {
                toAttacker.add(bytes);
            }
            if (to.equals(client.address) && firstFrameType(bytes) == WireFormat.FRAME_RETRY) {
                retriesToClient.add(bytes);
            }
            return false;
        };
        Datagram opening = new Datagram(5, 0, 0, List.of(DataFrame.whole(DeliveryMode.RELIABLE, 0, new byte[200])));
        server.engine.receive(attacker, ByteBuffer.wrap(sealed(opening, new KeyedProtection(otherKey))), net.now());
        assertEquals(1, server.engine.metrics().authFailures());
        assertTrue(toAttacker.isEmpty(), "an unauthenticated datagram gets no answer at all");
        assertEquals(0, server.engine.metrics().addressValidationRetries() + server.engine.metrics().retriesSuppressed());

        CompletableFuture<Void> f = new CompletableFuture<>();
        client.engine.send(server.address, DeliveryMode.RELIABLE, numbered(0, 64), f, net.now());
        client.engine.update(net.now());
        net.runFor(MS / 2); // the opening datagram is on its way; forge a RETRY before the real one comes
        byte[] forged = sealed(new Datagram(9, 0, 0, List.of(new RetryFrame(new byte[] {1}))),
                new KeyedProtection(otherKey));
        client.engine.receive(server.address, ByteBuffer.wrap(forged), net.now());
        assertEquals(1, client.engine.metrics().authFailures(), "a RETRY forged without the key is dropped");
        assertEquals(0, client.engine.metrics().retriesReceived());
        assertTrue(net.runUntil(f::isDone, 10 * SECOND));
        f.join();
        assertEquals(1, server.delivered.size());
        assertEquals(1, retriesToClient.size());
        byte[] retry = retriesToClient.get(0);
        ByteBuffer opened = ByteBuffer.wrap(retry.clone());
        assertTrue(key.open(client.address, opened.getLong(4), opened.getLong(12), 0, opened, 21), "sealed with the key");
        assertFalse(new KeyedProtection(otherKey).open(client.address, 0, 0, 0, ByteBuffer.wrap(retry.clone()), 21));
        assertInstanceOf(RetryFrame.class, Datagram.decode(opened).frames().get(0));
        assertEquals(1, client.engine.metrics().retriesReceived());
    }

    @Test
    void shouldPadOnlyOpeningDatagramsAndLonePings() {
        EngineNet net = new EngineNet(311);
        Node a = net.node(EngineNet.config(1).protection(PacketProtection.none()).build());
        Node b = net.node(EngineNet.config(2).protection(PacketProtection.none()).build());
        List<byte[]> fromA = new ArrayList<>();
        net.dropRule = (from, to, bytes) -> from.equals(a.address) && fromA.add(bytes) && false;
        CompletableFuture<Void> f = new CompletableFuture<>();
        a.engine.send(b.address, DeliveryMode.RELIABLE, new byte[] {7}, f, net.now());
        assertTrue(net.runUntil(f::isDone, SECOND));
        assertEquals(WireFormat.MIN_PADDED_LENGTH, fromA.get(0).length, "opens the conversation: padded");
        Datagram first = Datagram.decode(ByteBuffer.wrap(fromA.get(0)));
        assertInstanceOf(PaddingFrame.class, first.frames().get(first.frames().size() - 1));
        a.engine.send(b.address, DeliveryMode.RELIABLE, new byte[] {8}, new CompletableFuture<>(), net.now());
        int before = fromA.size();
        a.engine.update(net.now());
        assertTrue(fromA.get(before).length < WireFormat.MIN_PADDED_LENGTH, "data once the session is known: not padded");
        int sentBeforeIdle = fromA.size();
        net.runFor(11 * SECOND); // keep-alive PINGs
        int pings = 0;
        for (byte[] d : fromA.subList(sentBeforeIdle, fromA.size())) {
            List<Frame> frames = Datagram.decode(ByteBuffer.wrap(d)).frames();
            if (frames.contains(new PingFrame())) {
                pings++;
                assertEquals(WireFormat.MIN_PADDED_LENGTH, d.length, "a lone PING: padded, " + frames);
            } else {
                assertTrue(d.length < WireFormat.MIN_PADDED_LENGTH, "an ACK is not padded: " + frames);
            }
        }
        assertTrue(pings > 0, "a keep-alive went out");
    }

    /**
     * A keyed protection for tests (an HMAC-SHA256 tag of 16 bytes over header and body), standing
     * in for the AEAD: what matters here is only that it authenticates with a key.
     */
    static final class KeyedProtection implements PacketProtection {
        private final Mac mac;

        KeyedProtection(byte[] key) {
            try {
                mac = Mac.getInstance("HmacSHA256");
                mac.init(new SecretKeySpec(key, "HmacSHA256"));
            } catch (GeneralSecurityException e) {
                throw new AssertionError(e);
            }
        }

        @Override
        public int overhead() {
            return 16;
        }

        @Override
        public boolean authenticates() {
            return true;
        }

        private byte[] tag(ByteBuffer datagram, int start, int end) {
            ByteBuffer view = datagram.duplicate();
            view.limit(end).position(start);
            mac.update(view);
            return Arrays.copyOf(mac.doFinal(), 16);
        }

        @Override
        public void seal(InetSocketAddress peer, long sourceSession, long destinationSession, long packetNumber,
                ByteBuffer datagram, int headerLength) {
            int end = datagram.limit();
            byte[] tag = tag(datagram, datagram.position(), end);
            datagram.limit(end + 16);
            datagram.put(end, tag);
        }

        @Override
        public boolean open(InetSocketAddress peer, long sourceSession, long destinationSession, long packetNumber,
                ByteBuffer datagram, int headerLength) {
            int end = datagram.limit() - 16;
            if (end < datagram.position() + headerLength) {
                return false;
            }
            byte[] presented = new byte[16];
            datagram.get(end, presented);
            if (!MessageDigest.isEqual(presented, tag(datagram, datagram.position(), end))) {
                return false;
            }
            datagram.limit(end);
            return true;
        }
    }

    @Test
    void shouldRoundTripThroughTheKeyedTestProtection() {
        KeyedProtection p = new KeyedProtection(new byte[32]);
        byte[] plain = new Datagram(1, 0, 0, List.of(new PingFrame())).encode();
        byte[] s = sealed(new Datagram(1, 0, 0, List.of(new PingFrame())), p);
        ByteBuffer b = ByteBuffer.wrap(s);
        assertTrue(p.open(null, 1, 0, 0, b, 21));
        assertEquals(plain.length, b.limit());
        byte[] bad = s.clone();
        bad[21] ^= 1;
        assertFalse(p.open(null, 1, 0, 0, ByteBuffer.wrap(bad), 21));
        assertArrayEquals(plain, Arrays.copyOf(s, plain.length));
    }
}
