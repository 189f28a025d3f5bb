package io.github.udpkit.core;

import static io.github.udpkit.core.RawEndpointTest.awaitTrue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.udpkit.api.Codecs;
import io.github.udpkit.api.DeliveryMode;
import io.github.udpkit.api.Endpoint;
import io.github.udpkit.api.Message;
import io.github.udpkit.core.protocol.PacketProtection;
import io.github.udpkit.core.wire.DataFrame;
import io.github.udpkit.core.wire.Datagram;
import io.github.udpkit.core.wire.Frame;
import io.github.udpkit.core.wire.PaddingFrame;
import io.github.udpkit.core.wire.RetryFrame;
import io.github.udpkit.core.wire.TokenFrame;
import io.github.udpkit.core.wire.WireFormat;
import io.github.udpkit.core.wire.WireWriter;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@code validateAddresses()} over real loopback sockets: a default client gets through; a stranger gets a cookie only. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class AddressValidationEndpointTest {
    private static final Duration WAIT = Duration.ofSeconds(10);

    private static Endpoint<String> server() {
        return Udp.endpoint(Codecs.utf8()).bind("127.0.0.1", 0).mode(DeliveryMode.RELIABLE).validateAddresses().open();
    }

    /** A datagram as an engine that opens a conversation sends it, padded, sealed with the default CRC-32C. */
    private static byte[] opening(long session, List<Frame> lead) {
        List<Frame> frames = new ArrayList<>(lead);
        frames.add(DataFrame.whole(DeliveryMode.RELIABLE, 0, new byte[] {'h', 'i'}));
        int length = new Datagram(session, 0, 0, frames).encodedLength();
        if (length < WireFormat.MIN_PADDED_LENGTH) {
            frames.add(new PaddingFrame(WireFormat.MIN_PADDED_LENGTH - length));
        }
        Datagram d = new Datagram(session, 0, lead.isEmpty() ? 0 : 1, frames);
        byte[] plain = d.encode();
        ByteBuffer b = ByteBuffer.allocate(plain.length + 4);
        b.put(plain).flip();
        PacketProtection.crc32c().seal(null, session, 0, d.packetNumber(), b, WireWriter.headerLength(d.packetNumber()));
        return Arrays.copyOf(b.array(), b.limit());
    }

    @Test
    void shouldServeADefaultClientOnceInOrderThroughValidation() throws Exception {
        try (Endpoint<String> server = server();
             Endpoint<String> client = Udp.endpoint(Codecs.utf8()).bind("127.0.0.1", 0).mode(DeliveryMode.RELIABLE).open()) {
            List<CompletableFuture<Void>> acks = new ArrayList<>();
            for (int i = 0; i < 500; i++) {
                acks.add(client.send("m" + i).to(server.localAddress()));
            }
            for (int i = 0; i < 500; i++) {
                Message<String> m = server.receive(WAIT);
                assertEquals("m" + i, m.payload());
                assertEquals(client.localAddress(), m.sender());
            }
            CompletableFuture.allOf(acks.toArray(CompletableFuture[]::new)).get(10, TimeUnit.SECONDS);
            assertTrue(server.poll().isEmpty(), "nothing delivered twice");
            assertTrue(server.stats().filtered() >= 1, "the first flight was answered with a cookie: " + server.stats());
            assertEquals(1, server.stats().peers());
            server.send("welcome").to(client.localAddress()).get(10, TimeUnit.SECONDS);
            assertEquals("welcome", client.receive(WAIT).payload());
        }
    }

    @Test
    void shouldAnswerAStrangerOnlyWithACookieNoLargerThanItsDatagram() throws Exception {
        try (Endpoint<String> server = server(); DatagramSocket stranger = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            stranger.setSoTimeout((int) WAIT.toMillis());
            InetSocketAddress to = server.localAddress();
            byte[] first = opening(0x5eed, List.of());
            stranger.send(new DatagramPacket(first, first.length, to));
            DatagramPacket answer = new DatagramPacket(new byte[2048], 2048);
            stranger.receive(answer);
            assertTrue(answer.getLength() <= first.length, answer.getLength() + " bytes answer " + first.length);
            Datagram retry = Datagram.decode(ByteBuffer.wrap(answer.getData(), 0, answer.getLength() - 4));
            assertEquals(0x5eed, retry.destinationSession());
            byte[] cookie = ((RetryFrame) retry.frames().get(0)).token();
            assertEquals(0, server.stats().peers(), "no state for the stranger yet");

            byte[] echoed = opening(0x5eed, List.of(new TokenFrame(cookie)));
            stranger.send(new DatagramPacket(echoed, echoed.length, to));
            awaitTrue(() -> server.stats().peers() == 1);
            Message<String> m = server.receive(WAIT);
            assertEquals("hi", m.payload());
            assertEquals(new InetSocketAddress(InetAddress.getLoopbackAddress(), stranger.getLocalPort()), m.sender());
        }
    }
}
