package io.github.udpkit.chat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The server and client drivers on RELIABLE endpoints over real loopback sockets: what the chat
 * layer promises (names, order, presence) and how the fan-out treats a member that stops answering.
 */
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
            EventRecorder ra = new EventRecorder();
            EventRecorder rb = new EventRecorder();
            EventRecorder rc = new EventRecorder();
            try (ChatClient a = client(server, "alice", ra)) {
                a.joined().get(10, TimeUnit.SECONDS);
                try (ChatClient b = client(server, "bob", rb)) {
                    b.joined().get(10, TimeUnit.SECONDS);
                    ra.await("+bob", WAIT);
                    ChatClient c = client(server, "carol", rc);
                    ChatJoined cj = c.joined().get(10, TimeUnit.SECONDS);
                    assertEquals(List.of("alice", "bob", "carol"), cj.members());
                    ra.await("+carol", WAIT);
                    rb.await("+carol", WAIT);

                    List<CompletableFuture<Void>> sends = new ArrayList<>();
                    for (int i = 1; i <= 3; i++) {
                        sends.add(a.say("a" + i));
                        sends.add(b.say("b" + i));
                        sends.add(c.say("c" + i));
                    }
                    CompletableFuture.allOf(sends.toArray(CompletableFuture[]::new)).get(10, TimeUnit.SECONDS);
                    ra.await("message carol: c3", WAIT);
                    ra.await("message bob: b3", WAIT);
                    rb.await("message alice: a3", WAIT);
                    rb.await("message carol: c3", WAIT);
                    rc.await("message alice: a3", WAIT);
                    rc.await("message bob: b3", WAIT);

                    c.close();
                    ra.await("-carol LEFT", WAIT);
                    rb.await("-carol LEFT", WAIT);
                    assertEquals(List.of("alice", "bob"), server.membersOf("lobby"));
                }
                ra.await("-bob LEFT", WAIT);
            }
            assertFrom(ra, "bob", "b1", "b2", "b3");
            assertFrom(ra, "carol", "c1", "c2", "c3");
            assertFrom(rb, "alice", "a1", "a2", "a3");
            assertFrom(rb, "carol", "c1", "c2", "c3");
            assertFrom(rc, "alice", "a1", "a2", "a3");
            assertFrom(rc, "bob", "b1", "b2", "b3");
            assertTrue(ra.messages().stream().noneMatch(m -> m.startsWith("message alice")), "no echo of one's own");
        }
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
