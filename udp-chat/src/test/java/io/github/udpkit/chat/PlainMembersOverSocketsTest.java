package io.github.udpkit.chat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.DatagramPacket;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A plain member over real loopback sockets: a plain UDP socket, as the seeds' Python client has,
 * and a {@link ChatClient} in one room of a {@link ChatServer} with plain members on, served from
 * the one port of its RELIABLE endpoint.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class PlainMembersOverSocketsTest {

    private static final Duration WAIT = Duration.ofSeconds(10);

    @Test
    void shouldRelayBetweenAPlainSocketAndAChatClient() throws Exception {
        ChatServerConfig config = ChatServerConfig.builder().plainMembers(10).build();
        EventRecorder carol = new EventRecorder();
        try (ChatServer server = ChatServer.builder().bind("127.0.0.1", 0).config(config).open();
             DatagramChannel plain = DatagramChannel.open();
             ChatClient client = ChatClient.builder().server(server.localAddress()).bind("127.0.0.1", 0).name("carol")
                     .listener(carol).connect()) {
            plain.bind(new InetSocketAddress("127.0.0.1", 0));
            plain.socket().setSoTimeout((int) WAIT.toMillis());
            client.joined().get(10, TimeUnit.SECONDS);

            send(plain, server, "/nick pat");
            assertTrue(receive(plain).startsWith("* joined lobby as "), "the first line is the join");
            assertTrue(receive(plain).startsWith("* joined lobby as pat (2 members: carol, pat)"));
            carol.await("+pat", WAIT);

            send(plain, server, "hello from a plain socket");
            carol.await("message pat: hello from a plain socket", WAIT);
            client.say("hi pat").get(10, TimeUnit.SECONDS);
            assertTrue(receive(plain).matches("\\[\\d\\d:\\d\\d:\\d\\d\\] carol: hi pat"));
            assertEquals(1, server.stats().plainMembers());
            assertEquals(0, server.endpointStats().malformed(), "plain text is not malformed udpkit traffic");
        }
    }

    private static void send(DatagramChannel c, ChatServer server, String text) throws Exception {
        c.send(ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8)), server.localAddress());
    }

    private static String receive(DatagramChannel c) throws Exception {
        DatagramPacket p = new DatagramPacket(new byte[2048], 2048);
        try {
            c.socket().receive(p);
        } catch (SocketTimeoutException e) {
            throw new AssertionError("no line within " + WAIT, e);
        }
        return new String(p.getData(), 0, p.getLength(), StandardCharsets.UTF_8);
    }
}
