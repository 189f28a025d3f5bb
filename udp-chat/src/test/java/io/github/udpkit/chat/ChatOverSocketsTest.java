package io.github.udpkit.chat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.udpkit.core.EndpointBuilder;
import io.github.udpkit.core.protocol.EngineConfig;
import io.github.udpkit.core.transport.Impairments;
import io.github.udpkit.testkit.LossyProxy;
import io.github.udpkit.testkit.SimulationSeed;
import io.github.udpkit.testkit.SimulationSeedExtension;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The server and client drivers on RELIABLE endpoints over real loopback sockets: what the chat
 * layer promises (names, order, presence) and how the fan-out treats a member that stops answering.
 */
@ExtendWith(SimulationSeedExtension.class)
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class ChatOverSocketsTest {

    private static final Duration WAIT = Duration.ofSeconds(10);

    private ChatServer server(ChatServerConfig config) {
        return ChatServer.builder().bind("127.0.0.1", 0).config(config).open();
    }

    private ChatClient client(ChatServer server, String name, ChatListener listener) {
        return ChatClient.builder().server(server.localAddress()).bind("127.0.0.1", 0).name(name)
                .listener(listener).connect();
    }

    @Test
    void shouldLetThreeMembersSeeEachOthersMessagesOnceInOrderWithTheirNames() throws Exception {
        try (ChatServer server = server(ChatServerConfig.defaults())) {
            threeMembersChat(server, server.localAddress(), eb -> { }, WAIT);
        }
    }

    @Test
    @Timeout(value = 90, unit = TimeUnit.SECONDS)
    void shouldLetThreeMembersChatThroughALinkThatLosesAFifthOfTheDatagrams(@SimulationSeed long seed)
            throws Exception {
        // A first retransmission after 200 ms rather than a second: loopback has no RTT to wait for,
        // and the test should not spend its time on the engine's cautious first guess.
        ChatServerConfig config = ChatServerConfig.defaults();
        EngineConfig quick = EngineConfig.defaults().toBuilder().initialRto(Duration.ofMillis(200)).build();
        try (ChatServer server = ChatServer.builder().bind("127.0.0.1", 0).config(config)
                .transport(eb -> eb.protocol(ChatServer.engineConfig(config).toBuilder()
                        .initialRto(Duration.ofMillis(200)).build()))
                .open();
             LossyProxy proxy = LossyProxy.forward(server.localAddress(),
                     Impairments.builder().loss(0.2).seed(seed).build())) {
            threeMembersChat(server, proxy.address(), eb -> eb.protocol(quick), Duration.ofSeconds(20));
            LossyProxy.Stats stats = proxy.stats();
            assertTrue(stats.clientToTarget().lost() > 0 && stats.targetToClient().lost() > 0,
                    () -> "the proxy lost nothing either way: " + stats);
        }
    }

    /**
     * A member behind a NAT that rebinds (a relay that moves it to a new source port after six
     * datagrams, as a new user's join and first lines take) stays the member it was: its lines
     * reach the room under its name, never a "not joined", and nobody sees it leave and come back.
     */
    @Test
    void shouldKeepAMemberWhoseAddressChangesMidConversation() throws Exception {
        try (ChatServer server = server(ChatServerConfig.defaults());
             LossyProxy relay = LossyProxy.builder(server.localAddress()).rebindAfter(6).start()) {
            EventRecorder ra = new EventRecorder();
            EventRecorder rb = new EventRecorder();
            try (ChatClient a = client(server, "alice", ra)) {
                // Bob starts only once alice is in: the room's order, and alice's "+bob", depend on it.
                a.joined().get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
                try (ChatClient b = member(relay.address(), "bob", rb, eb -> { })) {
                    b.joined().get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
                    ra.await("+bob", WAIT);
                    for (int i = 1; i <= 10; i++) {
                        b.say("line " + i).get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
                    }
                    ra.await("message bob: line 10", WAIT);
                    assertEquals(1, relay.rebinds(), "the relay moved bob to a new port");
                    assertFrom(ra, "bob", "line 1", "line 2", "line 3", "line 4", "line 5", "line 6", "line 7", "line 8",
                            "line 9", "line 10");
                    assertTrue(rb.seen().stream().noneMatch(e -> e.contains("not joined")), () -> rb.seen().toString());
                    assertEquals(List.of("alice", "bob"), server.membersOf("lobby"));
                    assertTrue(ra.seen().stream().noneMatch(e -> e.startsWith("-bob")), "bob never left");
                    a.say("hello bob").get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
                    rb.await("message alice: hello bob", WAIT); // and the room reaches bob at his new port
                }
            }
        }
    }

    /**
     * Alice, bob and carol join one after the other through {@code via}, say three things each at
     * once, and leave: each sees the other two's messages once, in send order, under their names,
     * and every join and leave is announced.
     */
    private static void threeMembersChat(ChatServer server, InetSocketAddress via,
                                         Consumer<EndpointBuilder<ChatFrame>> transport, Duration wait)
            throws Exception {
        EventRecorder ra = new EventRecorder();
        EventRecorder rb = new EventRecorder();
        EventRecorder rc = new EventRecorder();
        long waitMillis = wait.toMillis();
        try (ChatClient a = member(via, "alice", ra, transport)) {
            a.joined().get(waitMillis, TimeUnit.MILLISECONDS);
            try (ChatClient b = member(via, "bob", rb, transport)) {
                b.joined().get(waitMillis, TimeUnit.MILLISECONDS);
                ra.await("+bob", wait);
                ChatClient c = member(via, "carol", rc, transport);
                ChatJoined cj = c.joined().get(waitMillis, TimeUnit.MILLISECONDS);
                assertEquals(List.of("alice", "bob", "carol"), cj.members());
                ra.await("+carol", wait);
                rb.await("+carol", wait);

                List<CompletableFuture<Void>> sends = new ArrayList<>();
                for (int i = 1; i <= 3; i++) {
                    sends.add(a.say("a" + i));
                    sends.add(b.say("b" + i));
                    sends.add(c.say("c" + i));
                }
                CompletableFuture.allOf(sends.toArray(CompletableFuture[]::new)).get(waitMillis, TimeUnit.MILLISECONDS);
                ra.await("message carol: c3", wait);
                ra.await("message bob: b3", wait);
                rb.await("message alice: a3", wait);
                rb.await("message carol: c3", wait);
                rc.await("message alice: a3", wait);
                rc.await("message bob: b3", wait);

                c.close();
                ra.await("-carol LEFT", wait);
                rb.await("-carol LEFT", wait);
                assertEquals(List.of("alice", "bob"), server.membersOf("lobby"));
            }
            ra.await("-bob LEFT", wait);
        }
        assertFrom(ra, "bob", "b1", "b2", "b3");
        assertFrom(ra, "carol", "c1", "c2", "c3");
        assertFrom(rb, "alice", "a1", "a2", "a3");
        assertFrom(rb, "carol", "c1", "c2", "c3");
        assertFrom(rc, "alice", "a1", "a2", "a3");
        assertFrom(rc, "bob", "b1", "b2", "b3");
        assertTrue(ra.messages().stream().noneMatch(m -> m.startsWith("message alice")), "no echo of one's own");
        assertEquals(List.of("joined lobby [alice]", "+bob", "+carol"), ra.seen().stream()
                .filter(e -> e.startsWith("joined") || e.startsWith("+")).toList(), "joins announced once each");
        assertEquals(List.of("-carol LEFT", "-bob LEFT"), ra.seen().stream().filter(e -> e.startsWith("-")).toList(),
                "leaves announced once each");
    }

    private static ChatClient member(InetSocketAddress server, String name, ChatListener listener,
                                     Consumer<EndpointBuilder<ChatFrame>> transport) {
        return ChatClient.builder().server(server).bind("127.0.0.1", 0).name(name).listener(listener)
                .transport(transport).connect();
    }

    private static void assertFrom(EventRecorder r, String sender, String... texts) {
        List<String> got = r.messages().stream().filter(m -> m.startsWith("message " + sender + ": ")).toList();
        List<String> expected = new ArrayList<>();
        for (String t : texts) {
            expected.add("message " + sender + ": " + t);
        }
        assertEquals(expected, got, "exactly once each, in send order");
    }

    @Test
    void shouldFailTheJoinFutureWithTheReasonWhenTheNameIsTaken() throws Exception {
        try (ChatServer server = server(ChatServerConfig.defaults());
             ChatClient a = client(server, "alice", new EventRecorder())) {
            a.joined().get(10, TimeUnit.SECONDS);
            EventRecorder rb = new EventRecorder();
            try (ChatClient b = client(server, "ALICE", rb)) {
                ExecutionException e = assertThrows(ExecutionException.class, () -> b.joined().get(10, TimeUnit.SECONDS));
                ChatRejectedException r = assertInstanceOf(ChatRejectedException.class, e.getCause());
                assertEquals(ChatReason.NAME_TAKEN, r.reason());
                rb.await("rejected NAME_TAKEN", WAIT);
            }
            assertEquals(List.of("alice"), server.membersOf("lobby"));
        }
    }

    @Test
    void shouldDeliverPrivateMessagesWhoAndRoomSwitches() throws Exception {
        try (ChatServer server = server(ChatServerConfig.defaults())) {
            EventRecorder ra = new EventRecorder();
            EventRecorder rb = new EventRecorder();
            try (ChatClient a = client(server, "alice", ra); ChatClient b = client(server, "bob", rb)) {
                a.joined().get(10, TimeUnit.SECONDS);
                b.joined().get(10, TimeUnit.SECONDS);
                a.privateMessage("Bob", "psst").get(10, TimeUnit.SECONDS);
                rb.await("private alice: psst", WAIT);
                b.who();
                rb.await(e -> e.startsWith("members "), WAIT);
                b.privateMessage("nobody", "hello?");
                rb.await("notice NO_SUCH_MEMBER", WAIT);
                b.switchRoom("dev");
                rb.await("joined dev [bob]", WAIT);
                ra.await("-bob SWITCHED_ROOM", WAIT);
                assertEquals("dev", b.room().orElseThrow());
                assertEquals(List.of("bob"), b.members());
            }
        }
    }

    @Test
    void shouldCheckTheCallersTextBeforeSending() throws Exception {
        try (ChatServer server = server(ChatServerConfig.defaults());
             ChatClient a = client(server, "alice", new EventRecorder())) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> a.say("red \u001b[31m"));
            assertTrue(e.getMessage().contains("U+001B"), e.getMessage());
            assertThrows(IllegalArgumentException.class, () -> a.say(" "));
            assertThrows(IllegalArgumentException.class, () -> a.privateMessage("two words", "x"));
            assertThrows(IllegalArgumentException.class, () -> a.switchRoom(""));
            assertThrows(IllegalArgumentException.class, () -> ChatClient.builder().name("a\u202Eb"));
            IllegalStateException s = assertThrows(IllegalStateException.class,
                    () -> ChatClient.builder().name("x").connect());
            assertTrue(s.getMessage().contains("server"), s.getMessage());
        }
    }

    @Test
    void shouldDropAVanishedMemberAfterTheIdleTimeoutWhileOthersKeepReceiving() throws Exception {
        ChatServerConfig config = ChatServerConfig.builder().idleTimeout(Duration.ofMillis(1500)).build();
        try (ChatServer server = server(config)) {
            EventRecorder ra = new EventRecorder();
            EventRecorder rb = new EventRecorder();
            try (ChatClient a = client(server, "alice", ra); ChatClient b = client(server, "bob", rb)) {
                a.joined().get(10, TimeUnit.SECONDS);
                b.joined().get(10, TimeUnit.SECONDS);
                try (VanishingMember ghost = new VanishingMember(server.localAddress())) {
                    assertEquals(Set.of("alice", "bob", "ghost"), Set.copyOf(ghost.join("ghost", WAIT).members()));
                }
                ra.await("+ghost", WAIT);
                // The ghost is gone without a word; alice talks on, and the messages to the ghost go
                // unacknowledged, while alice and bob ping on their own.
                List<CompletableFuture<Void>> sends = new ArrayList<>();
                for (int i = 1; i <= 5; i++) {
                    sends.add(a.say("m" + i));
                }
                CompletableFuture.allOf(sends.toArray(CompletableFuture[]::new)).get(10, TimeUnit.SECONDS);
                ra.await("-ghost TIMED_OUT", WAIT);
                rb.await("-ghost TIMED_OUT", WAIT);
                a.say("still here").get(10, TimeUnit.SECONDS);
                rb.await("message alice: still here", WAIT);
                assertFrom(rb, "alice", "m1", "m2", "m3", "m4", "m5", "still here");
                // alice and bob join at once, in either order
                assertEquals(Set.of("alice", "bob"), Set.copyOf(server.membersOf("lobby")), "pings kept the live members in");
                assertEquals(1, server.stats().timedOut());
            }
        }
    }

    @Test
    void shouldDropAMemberWhoseWindowIsFullAtOnceWithoutStallingTheOthers() throws Exception {
        // A window of eight messages: the ninth unacknowledged one to the vanished member cannot be
        // queued, and the fan-out, running on the endpoint's I/O thread, must not wait for room.
        // Alice speaks one message at a time, so bob, who acknowledges, never has more than a few
        // in flight.
        ChatServerConfig config = ChatServerConfig.builder().rateLimit(100, Duration.ofMillis(1)).build();
        try (ChatServer server = ChatServer.builder().bind("127.0.0.1", 0).config(config)
                .transport(eb -> eb.protocol(ChatServer.engineConfig(config).toBuilder().maxQueuedMessages(8).build()))
                .open()) {
            EventRecorder ra = new EventRecorder();
            EventRecorder rb = new EventRecorder();
            try (ChatClient a = client(server, "alice", ra); ChatClient b = client(server, "bob", rb)) {
                a.joined().get(10, TimeUnit.SECONDS);
                b.joined().get(10, TimeUnit.SECONDS);
                try (VanishingMember ghost = new VanishingMember(server.localAddress())) {
                    ghost.join("ghost", WAIT);
                }
                List<String> texts = new ArrayList<>();
                for (int i = 1; i <= 12; i++) {
                    a.say("m" + i).get(10, TimeUnit.SECONDS);
                    rb.await("message alice: m" + i, WAIT);
                    texts.add("m" + i);
                }
                ra.await("-ghost UNREACHABLE", WAIT);
                rb.await("-ghost UNREACHABLE", WAIT);
                assertFrom(rb, "alice", texts.toArray(String[]::new));
                assertEquals(Set.of("alice", "bob"), Set.copyOf(server.membersOf("lobby")));
                assertEquals(1, server.stats().unreachable());
                assertEquals(0, server.stats().timedOut());
            }
        }
    }

    @Test
    void shouldTellMembersWhenTheServerCloses() throws Exception {
        EventRecorder ra = new EventRecorder();
        ChatServer server = server(ChatServerConfig.defaults());
        try (ChatClient a = client(server, "alice", ra)) {
            a.joined().get(10, TimeUnit.SECONDS);
            server.close();
            server.close(); // idempotent
            ra.await("disconnected SERVER_CLOSED", WAIT);
            assertTrue(a.isDisconnected());
        }
    }
}
