package io.github.udpkit.core;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.udpkit.api.Codecs;
import io.github.udpkit.api.DeliveryMode;
import io.github.udpkit.api.Endpoint;
import io.github.udpkit.core.security.AddressFilter;
import java.net.DatagramPacket;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The seam for datagrams that are not udpkit frames: a framed endpoint hands them, with their
 * source, to its unframed handler instead of dropping them, keeps serving its framed peers on the
 * same port, and answers with {@code sendUnframed}, bytes as they are.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class UnframedDatagramsTest {

    private static final Duration WAIT = Duration.ofSeconds(10);

    private record Got(InetSocketAddress from, byte[] bytes) { }

    @Test
    void shouldHandPlainDatagramsToTheHandlerAndFramesToTheEngine() throws Exception {
        LinkedBlockingQueue<Got> unframed = new LinkedBlockingQueue<>();
        try (Endpoint<String> server = Udp.endpoint(Codecs.utf8()).mode(DeliveryMode.RELIABLE).bind("127.0.0.1", 0)
                     .onUnframed((from, bytes) -> unframed.add(new Got(from, bytes))).open();
             Endpoint<String> framed = Udp.endpoint(Codecs.utf8()).mode(DeliveryMode.RELIABLE).bind("127.0.0.1", 0).open();
             DatagramChannel plain = DatagramChannel.open()) {
            plain.bind(new InetSocketAddress("127.0.0.1", 0));
            plain.socket().setSoTimeout(5000);
            plain.send(ByteBuffer.wrap("hello, plain".getBytes(StandardCharsets.UTF_8)), server.localAddress());
            Got got = unframed.poll(10, TimeUnit.SECONDS);
            assertEquals("hello, plain", new String(got.bytes(), StandardCharsets.UTF_8));
            assertEquals(plain.getLocalAddress(), got.from());

            server.sendUnframed("HELLO BACK".getBytes(StandardCharsets.UTF_8), got.from()).join();
            DatagramPacket reply = new DatagramPacket(new byte[2048], 2048);
            plain.socket().receive(reply);
            assertEquals("HELLO BACK", new String(reply.getData(), 0, reply.getLength(), StandardCharsets.UTF_8));
            assertEquals(server.localAddress().getPort(), reply.getPort(), "answered from the endpoint's own port");

            framed.send("framed still works").to(server.localAddress()).get(10, TimeUnit.SECONDS);
            assertEquals("framed still works", server.receive(WAIT).payload());
            assertTrue(unframed.isEmpty(), "frames never reach the unframed handler: " + unframed);
            assertEquals(0, server.stats().malformed());
        }
    }

    @Test
    void shouldFilterUnframedDatagramsLikeAnyOther() throws Exception {
        LinkedBlockingQueue<Got> unframed = new LinkedBlockingQueue<>();
        try (Endpoint<String> server = Udp.endpoint(Codecs.utf8()).mode(DeliveryMode.RELIABLE).bind("127.0.0.1", 0)
                     .filter(AddressFilter.builder().deny("127.0.0.2/32").build())
                     .onUnframed((from, bytes) -> unframed.add(new Got(from, bytes))).open();
             DatagramChannel denied = DatagramChannel.open();
             DatagramChannel allowed = DatagramChannel.open()) {
            denied.bind(new InetSocketAddress("127.0.0.2", 0));
            allowed.bind(new InetSocketAddress("127.0.0.1", 0));
            denied.send(ByteBuffer.wrap(new byte[] {'n', 'o'}), server.localAddress());
            allowed.send(ByteBuffer.wrap(new byte[] {'y', 'e', 's'}), server.localAddress());
            Got got = unframed.poll(10, TimeUnit.SECONDS);
            assertArrayEquals(new byte[] {'y', 'e', 's'}, got.bytes());
            RawEndpointTest.awaitTrue(() -> server.stats().filtered() == 1);
            assertTrue(unframed.isEmpty());
        }
    }

    @Test
    void shouldCountForeignDatagramsAsMalformedWithoutAHandler() throws Exception {
        try (Endpoint<String> server = Udp.endpoint(Codecs.utf8()).mode(DeliveryMode.RELIABLE).bind("127.0.0.1", 0).open();
             DatagramChannel plain = DatagramChannel.open()) {
            plain.send(ByteBuffer.wrap("hi".getBytes(StandardCharsets.UTF_8)), server.localAddress());
            RawEndpointTest.awaitTrue(() -> server.stats().malformed() == 1);
        }
    }

    @Test
    void shouldRefuseMisuseAtOnce() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Udp.endpoint(Codecs.utf8()).onUnframed((from, bytes) -> { }).open());
        assertTrue(e.getMessage().contains("onUnframed applies to framed modes"), e.getMessage());
        try (Endpoint<String> ep = Udp.endpoint(Codecs.utf8()).bind("127.0.0.1", 0).open()) {
            byte[] tooBig = new byte[65_508];
            e = assertThrows(IllegalArgumentException.class,
                    () -> ep.sendUnframed(tooBig, new InetSocketAddress("127.0.0.1", 9)));
            assertTrue(e.getMessage().contains("65508"), e.getMessage());
        }
    }
}
