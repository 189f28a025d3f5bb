package io.github.udpkit.core.protocol;

import static io.github.udpkit.core.protocol.EngineNet.MS;
import static io.github.udpkit.core.protocol.EngineNet.numbered;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.udpkit.api.DeliveryMode;
import io.github.udpkit.core.protocol.EngineNet.Node;
import io.github.udpkit.core.wire.DataFrame;
import io.github.udpkit.core.wire.Datagram;
import io.github.udpkit.core.wire.PingFrame;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Hostile and broken input: counted, dropped, never thrown, and the conversation goes on. */
@Timeout(20)
class EngineRobustnessTest {

    private static byte[] sealed(Datagram d, PacketProtection protection) {
        byte[] plain = d.encode();
        ByteBuffer b = ByteBuffer.allocate(plain.length + protection.overhead());
        b.put(plain).flip();
        int headerLength = io.github.udpkit.core.wire.WireWriter.headerLength(d.packetNumber());
        protection.seal(null, d.sourceSession(), d.destinationSession(), d.packetNumber(), b, headerLength);
        byte[] out = new byte[b.remaining()];
        b.get(out);
        return out;
    }

    @Test
    void shouldCountAndDropMalformedCorruptedAndDuplicatedDatagrams() {
        EngineNet net = new EngineNet(201);
        Node a = net.node(EngineNet.config(1).build());
        Node b = net.node(EngineNet.config(2).build());
        List<byte[]> captured = new ArrayList<>();
        net.dropRule = (from, to, bytes) -> {
            if (from.equals(a.address)) {
                captured.add(bytes);
            }
            return false;
        };
        a.engine.send(b.address, DeliveryMode.RELIABLE, numbered(1, 64), new CompletableFuture<>(), net.now());
        net.runFor(50 * MS);
        assertEquals(1, b.delivered.size());
        EngineMetrics m = b.engine.metrics();
        long received = m.datagramsReceived();

        Engine engine = b.engine;
        engine.receive(a.address, ByteBuffer.wrap("HELLO".getBytes(StandardCharsets.UTF_8)), net.now());
        byte[] valid = captured.get(0);
        engine.receive(a.address, ByteBuffer.wrap(valid, 0, 10), net.now());            // truncated header
        byte[] future = valid.clone();
        future[2] = 9;
        engine.receive(a.address, ByteBuffer.wrap(future), net.now());                   // unknown version
        assertEquals(3, m.malformed());

        byte[] corrupted = valid.clone();
        corrupted[20] = 0x30; // a packet number not seen yet, so the datagram reaches the CRC check
        engine.receive(a.address, ByteBuffer.wrap(corrupted), net.now());                // fails the CRC
        assertEquals(1, m.authFailures());

        engine.receive(a.address, ByteBuffer.wrap(valid), net.now());                    // network duplicate
        assertEquals(1, m.duplicatesDropped());
        byte[] corruptedDuplicate = valid.clone();
        corruptedDuplicate[40] ^= 0x01;
        engine.receive(a.address, ByteBuffer.wrap(corruptedDuplicate), net.now());       // a seen number: dropped unread
        assertEquals(2, m.duplicatesDropped());

        byte[] body = java.util.Arrays.copyOf(valid, valid.length - 4);               // strip the CRC
        body[20] = 0x31;                                                               // a fresh packet number
        body[21] = 0x3F;                                                               // not a frame type
        ByteBuffer resealed = ByteBuffer.allocate(valid.length);
        resealed.put(body).flip();
        PacketProtection.crc32c().seal(a.address, 0, 0, 0, resealed, 21);
        assertEquals(valid.length, resealed.limit());
        engine.receive(a.address, resealed, net.now());
        assertEquals(3 + 1, m.malformed(), "a frame type nobody knows");

        assertEquals(received + 7, m.datagramsReceived(), "every datagram is counted in");
        assertEquals(1, b.delivered.size(), "nothing bad was delivered");
        net.dropRule = (from, to, bytes) -> false;
        CompletableFuture<Void> after = new CompletableFuture<>();
        a.engine.send(b.address, DeliveryMode.RELIABLE, numbered(2, 64), after, net.now());
        assertTrue(net.runUntil(after::isDone, 1000 * MS));
        assertEquals(2, b.delivered.size(), "the conversation goes on");
    }

    @Test
    void shouldRestoreTheCallersBufferAfterReceive() {
        EngineNet net = new EngineNet(202);
        Node b = net.node(EngineNet.config(2).protection(PacketProtection.none()).build());
        byte[] d = new Datagram(5, 0, 0, List.of(DataFrame.whole(DeliveryMode.UNRELIABLE, 0, new byte[] {1, 2})))
                .encode();
        ByteBuffer framed = ByteBuffer.allocate(d.length + 4).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        framed.position(2);
        framed.put(d);
        framed.limit(2 + d.length).position(2);
        b.engine.receive(new InetSocketAddress(InetAddress.getLoopbackAddress(), 9), framed, 0);
        assertEquals(1, b.delivered.size());
        assertEquals(2, framed.position());
        assertEquals(2 + d.length, framed.limit());
        assertEquals(java.nio.ByteOrder.LITTLE_ENDIAN, framed.order());
    }

    @Test
    void shouldDropAPacketNumberAbove2To53OnTheChecksumPathAsOnTheEncryptedOne() {
        EngineNet net = new EngineNet(205);
        Node b = net.node(EngineNet.config(2).build());
        InetSocketAddress sender = new InetSocketAddress(InetAddress.getLoopbackAddress(), 9);
        Datagram last = new Datagram(5, 0, io.github.udpkit.core.wire.WireFormat.MAX_PACKET_NUMBER,
                List.of(DataFrame.whole(DeliveryMode.RELIABLE, 0, new byte[] {1})));
        byte[] plain = last.encode();
        // The same datagram one number further: the 8-byte varint 2^53, sealed with a valid CRC-32C.
        io.github.udpkit.core.wire.Varint.write(ByteBuffer.wrap(plain), io.github.udpkit.core.wire.WireFormat
                .FIXED_HEADER_LENGTH, io.github.udpkit.core.wire.WireFormat.MAX_PACKET_NUMBER + 1);
        ByteBuffer beyond = ByteBuffer.allocate(plain.length + 4);
        beyond.put(plain).flip();
        PacketProtection.crc32c().seal(null, 5, 0, io.github.udpkit.core.wire.WireFormat.MAX_PACKET_NUMBER + 1,
                beyond, io.github.udpkit.core.wire.WireWriter.headerLength(last.packetNumber()));
        b.engine.receive(sender, beyond, 0);
        assertEquals(1, b.engine.metrics().malformed());
        assertEquals(0, b.engine.peerCount(), "no state, so nothing acknowledged");
        assertEquals(0, b.delivered.size());

        b.engine.receive(sender, ByteBuffer.wrap(sealed(last, PacketProtection.crc32c())), 0);
        assertEquals(1, b.delivered.size(), "2^53 - 1 is the last number accepted");
    }

    @Test
    void shouldDeliverEmptyMessagesInEveryFramedMode() {
        EngineNet net = new EngineNet(206);
        Node a = net.node(EngineNet.config(1).build());
        Node b = net.node(EngineNet.config(2).build());
        List<CompletableFuture<Void>> sent = new ArrayList<>();
        for (DeliveryMode mode : new DeliveryMode[] {DeliveryMode.UNRELIABLE, DeliveryMode.SEQUENCED,
                DeliveryMode.RELIABLE_UNORDERED, DeliveryMode.RELIABLE}) {
            CompletableFuture<Void> f = new CompletableFuture<>();
            a.engine.send(b.address, mode, new byte[0], f, net.now());
            sent.add(f);
        }
        assertTrue(net.runUntil(() -> sent.stream().allMatch(CompletableFuture::isDone), 1000 * MS));
        assertEquals(4, b.delivered.size());
        b.delivered.forEach(d -> assertEquals(0, d.bytes().length, d.mode() + " arrives empty"));
        sent.forEach(f -> assertTrue(!f.isCompletedExceptionally()));
    }

    @Test
    void shouldTreatARepeatedDataFrameAsACopyAndIgnoreFramesAfterAClose() {
        EngineNet net = new EngineNet(207);
        Node b = net.node(EngineNet.config(2).protection(PacketProtection.none()).build());
        InetSocketAddress sender = new InetSocketAddress(InetAddress.getLoopbackAddress(), 9);
        byte[] one = {1};
        DataFrame reliable = DataFrame.whole(DeliveryMode.RELIABLE, 0, one);
        DataFrame sequenced = DataFrame.whole(DeliveryMode.SEQUENCED, 0, one);
        b.engine.receive(sender, ByteBuffer.wrap(new Datagram(5, 0, 0, List.of(reliable, reliable, sequenced,
                sequenced, new PingFrame(), new PingFrame())).encode()), 0);
        assertEquals(2, b.delivered.size(), "each message once");
        assertEquals(2, b.engine.metrics().duplicatesDropped());

        // Frames after a CLOSE must still be well formed: the datagram is validated whole first.
        byte[] close = new Datagram(5, 0, 1, List.of(new io.github.udpkit.core.wire.CloseFrame(0))).encode();
        byte[] closeThenGarbage = java.util.Arrays.copyOf(close, close.length + 1);
        closeThenGarbage[close.length] = (byte) 0xff;
        b.engine.receive(sender, ByteBuffer.wrap(closeThenGarbage), 0);
        assertEquals(1, b.engine.metrics().malformed());
        assertEquals(1, b.engine.peerCount(), "a malformed datagram closes nothing");

        // Well formed, they are ignored: the CLOSE ends the conversation before them.
        b.engine.receive(sender, ByteBuffer.wrap(new Datagram(5, 0, 2, List.of(
                new io.github.udpkit.core.wire.CloseFrame(0), DataFrame.whole(DeliveryMode.RELIABLE, 1, one)))
                .encode()), 0);
        assertEquals(0, b.engine.peerCount());
        assertEquals(2, b.delivered.size(), "nothing after the CLOSE is delivered");
    }

    @Test
    void shouldIgnoreAcknowledgementsAndClosesFromStrangers() {
        EngineNet net = new EngineNet(203);
        Node b = net.node(EngineNet.config(2).protection(PacketProtection.none()).build());
        InetSocketAddress stranger = new InetSocketAddress(InetAddress.getLoopbackAddress(), 9);
        byte[] close = new Datagram(5, 0, 0, List.of(new io.github.udpkit.core.wire.CloseFrame(0))).encode();
        b.engine.receive(stranger, ByteBuffer.wrap(close), 0);
        assertEquals(0, b.engine.peerCount(), "no state for a datagram that asks for nothing");
        assertEquals(1, b.engine.metrics().staleSessionDropped());
        byte[] ping = new Datagram(5, 0, 0, List.of(new PingFrame())).encode();
        b.engine.receive(stranger, ByteBuffer.wrap(ping), 0);
        assertEquals(1, b.engine.peerCount(), "a PING from a new peer is first contact");
    }

    @Test
    void shouldRefuseMessagesLargerThanTheReceiverAllows() {
        EngineNet net = new EngineNet(204);
        Node a = net.node(EngineNet.config(1).maxMessageSize(100_000).deliveryDeadline(java.time.Duration.ofSeconds(2))
                .build());
        Node b = net.node(EngineNet.config(2).maxMessageSize(10_000).build());
        CompletableFuture<Void> f = new CompletableFuture<>();
        a.engine.send(b.address, DeliveryMode.RELIABLE, new byte[50_000], f, net.now());
        assertTrue(net.runUntil(f::isDone, 10_000 * MS));
        assertTrue(f.isCompletedExceptionally(), "never acknowledged, so it fails at the deadline");
        assertTrue(b.engine.metrics().oversized() > 0);
        assertEquals(0, b.delivered.size());
    }

    @Property(tries = 300)
    void shouldNeverThrowWhateverArrives(@ForAll @Size(max = 200) List<@Size(max = 300) byte[]> garbage,
            @ForAll long seed) {
        // Without protection, garbage with a valid header reaches the frame parser and the state machines.
        EngineNet net = new EngineNet(seed);
        Node a = net.node(EngineNet.config(1).protection(PacketProtection.none()).build());
        Node b = net.node(EngineNet.config(2).protection(PacketProtection.none()).build());
        List<byte[]> valid = new ArrayList<>();
        net.dropRule = (from, to, bytes) -> valid.add(bytes) && false;
        for (int i = 0; i < 30; i++) {
            a.engine.send(b.address, DeliveryMode.values()[1 + i % 4], numbered(i, i * 97 % 3000), new CompletableFuture<>(),
                    net.now());
        }
        net.runFor(20 * MS);
        long before = b.engine.metrics().datagramsReceived();
        Random random = new Random(seed);
        for (byte[] g : garbage) {
            b.engine.receive(a.address, ByteBuffer.wrap(g), net.now());
            byte[] mutated = valid.get(random.nextInt(valid.size())).clone();
            for (int k = random.nextInt(4); k >= 0; k--) {
                mutated[random.nextInt(mutated.length)] = (byte) random.nextInt();
            }
            b.engine.receive(a.address, ByteBuffer.wrap(mutated), net.now());
            a.engine.receive(b.address, ByteBuffer.wrap(mutated), net.now());
            b.engine.update(net.now());
            a.engine.update(net.now());
        }
        assertEquals(before + 2L * garbage.size(), b.engine.metrics().datagramsReceived(), "every datagram counted");
        net.runFor(100 * MS);
    }
}
