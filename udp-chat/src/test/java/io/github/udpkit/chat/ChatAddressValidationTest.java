package io.github.udpkit.chat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.udpkit.api.DeliveryMode;
import io.github.udpkit.core.protocol.Engine;
import io.github.udpkit.core.protocol.EngineConfig;
import io.github.udpkit.core.protocol.EngineMetrics;
import io.github.udpkit.core.protocol.EngineOutput;
import io.github.udpkit.core.transport.Impairments;
import io.github.udpkit.testkit.SimulatedNetwork;
import io.github.udpkit.testkit.SimulationSeed;
import io.github.udpkit.testkit.SimulationSeedExtension;
import java.net.DatagramPacket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The chat server cannot be turned against the network it runs on: its engine validates addresses
 * (stateless cookies) before any state, so a JOIN from a spoofed address draws at most a reply no
 * larger than itself and creates nothing, at the transport or the chat layer.
 *
 * <p>These prove it at the engine level: over a real socket (one spoofed JOIN) and in the simulated
 * network (a hundred thousand, from distinct sources, while real members chat). The chat layer's
 * own rule, that a refusal to a stranger is never larger than its request and that members and
 * rooms are bounded however many JOINs arrive, is proven without the engine in
 * {@link ChatServerCoreTest}.
 */
@ExtendWith(SimulationSeedExtension.class)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ChatAddressValidationTest {

    private static final ChatCodec CODEC = new ChatCodec();

    @Test
    void shouldAnswerAJoinFromAnAddressThatNeverEchoesWithNoMoreBytesThanItAndKeepNoState() throws Exception {
        try (ChatServer server = ChatServer.builder().bind("127.0.0.1", 0).open();
             DatagramChannel spoofed = DatagramChannel.open()) {
            spoofed.bind(new InetSocketAddress("127.0.0.1", 0));
            spoofed.socket().setSoTimeout(300);
            // A well-formed JOIN from udpkit's own engine, sent as a spoofed source would: again and
            // again, never reading what comes back, never echoing a cookie.
            byte[] join = joinDatagram(server.localAddress(), "mallory", 1);
            long sent = 0;
            long received = 0;
            int replies = 0;
            for (int i = 0; i < 5; i++) {
                spoofed.send(ByteBuffer.wrap(join), server.localAddress());
                sent += join.length;
            }
            // Everything that comes back until 300 ms pass without a datagram (3 s at most): the
            // answers come at once, so a quiet period means there are no more.
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(3);
            DatagramPacket p = new DatagramPacket(new byte[65_536], 65_536);
            while (System.nanoTime() < deadline) {
                try {
                    spoofed.socket().receive(p);
                } catch (SocketTimeoutException quiet) {
                    break;
                }
                received += p.getLength();
                replies++;
            }
            long fromSpoofed = sent;
            long toSpoofed = received;
            assertTrue(toSpoofed <= fromSpoofed, () -> toSpoofed + " bytes sent to an address that sent " + fromSpoofed);
            assertTrue(replies <= 5, "at most one reply per datagram: " + replies);
            assertEquals(List.of(), server.membersOf("lobby"));
            ChatServerStats stats = server.stats();
            assertEquals(0, stats.joins(), "the chat layer never saw the JOIN");
            assertEquals(0, stats.rejections());
            assertEquals(0, stats.framesSent());
            assertTrue(server.endpointStats().filtered() >= 5, () -> "counted as filtered: " + server.endpointStats());
        }
    }

    @Test
    void shouldKeepNoStateForAHundredThousandSpoofedJoinsAndKeepServingItsMembers(@SimulationSeed long seed)
            throws UnknownHostException {
        SimulatedNetwork net = SimulatedNetwork.builder().seed(seed)
                .defaultImpairments(Impairments.builder().loss(0.02).delay(Duration.ofMillis(5)).build()).build();
        ChatServerConfig config = ChatServerConfig.defaults();
        SimChatServer server = net.attachNew(net.nextAddress(),
                port -> new SimChatServer(port, config, SimChatServer.engineConfig(config, seed)));
        SimChatMember.Tally tally = new SimChatMember.Tally();
        List<SimChatMember> members = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            int n = i;
            SimChatMember m = net.attachNew(net.nextAddress(),
                    port -> new SimChatMember(port, server.address(), "m" + n, seed + n + 1, tally));
            members.add(m);
            m.join();
        }
        assertTrue(net.runUntil(() -> tally.joined == 20, Duration.ofMinutes(1)), net::toString);
        server.countTraffic();
        EngineMetrics metrics = server.engine().metrics();
        long retriesBefore = metrics.addressValidationRetries() + metrics.retriesSuppressed(); // the members' own

        // A hundred distinct JOINs, each sent from a thousand spoofed sources, in waves of a
        // thousand datagrams every 10 ms; a member speaks every tenth wave.
        List<byte[]> joins = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            // Seeds apart from the members' (seed + 1 .. seed + 20): the same seed would give a
            // forger a member's session, and the engine routes by session.
            joins.add(joinDatagram(server.address(), "spoof" + i, seed + 1_000 + i));
        }
        List<String> said = new ArrayList<>();
        int source = 0;
        for (int wave = 0; wave < 100; wave++) {
            for (int i = 0; i < 1000; i++, source++) {
                server.receive(spoofedSource(source), ByteBuffer.wrap(joins.get(source % joins.size())), net.nowNanos());
            }
            server.portWake();
            if (wave % 10 == 0) {
                SimChatMember speaker = members.get(wave / 10);
                String text = "during the flood, wave " + wave;
                speaker.say(text);
                said.add(speaker.name() + ": " + text);
            }
            net.advance(Duration.ofMillis(10));
        }
        long expected = said.size() * 19L;
        assertTrue(net.runUntil(() -> tally.messages >= expected, Duration.ofMinutes(1)),
                () -> tally.messages + " of " + expected + " deliveries; " + net);
        net.advance(Duration.ofSeconds(2));

        // No state for any spoofed source, at either layer; the real members were served throughout.
        assertEquals(20, server.engine().peerCount(), "peers: the members and nobody else");
        assertEquals(100_000, metrics.addressValidationRetries() + metrics.retriesSuppressed() - retriesBefore,
                "every spoofed JOIN answered by a RETRY at most");
        ChatServerStats stats = server.core().stats();
        assertEquals(20, stats.members());
        assertEquals(20, stats.joins());
        assertEquals(0, stats.rejections(), "no spoofed JOIN reached the chat layer");
        for (int s = 0; s < 100_000; s++) {
            InetSocketAddress from = spoofedSource(s);
            long in = server.bytesFrom(from);
            long out = server.bytesTo(from);
            assertTrue(out <= in, () -> out + " bytes sent to " + from + ", which sent " + in);
        }
        for (SimChatMember m : members) {
            List<String> mine = said.stream().filter(line -> !line.startsWith(m.name() + ": ")).toList();
            assertEquals(mine, m.messages(), m.name());
        }
        assertEquals(expected, tally.messages, "each once");
    }

    /** Source number {@code n} of the flood: distinct addresses in 10.0.0.0/8. */
    private static InetSocketAddress spoofedSource(int n) throws UnknownHostException {
        byte[] ip = {10, (byte) (n >> 16), (byte) (n >> 8), (byte) n};
        return new InetSocketAddress(InetAddress.getByAddress(ip), 40_000 + n % 20_000);
    }

    /** The first datagram udpkit's engine sends to open a conversation with a JOIN, as any client's would be. */
    private static byte[] joinDatagram(InetSocketAddress server, String name, long seed) {
        List<byte[]> sent = new ArrayList<>();
        Engine forger = new Engine(EngineConfig.defaults().toBuilder().seed(seed).build(), new EngineOutput() {
            @Override
            public void transmit(InetSocketAddress to, ByteBuffer datagram) {
                byte[] copy = new byte[datagram.remaining()];
                datagram.get(copy);
                sent.add(copy);
            }

            @Override
            public void deliver(InetSocketAddress from, DeliveryMode mode, ByteBuffer payload, long nowNanos) {
            }
        }, 0);
        forger.send(server, DeliveryMode.RELIABLE, CODEC.encode(new ChatFrame.Join(name, "")),
                new CompletableFuture<>(), 0);
        forger.update(0);
        assertEquals(1, sent.size());
        return sent.get(0);
    }
}
