package io.github.udpkit.chat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.udpkit.api.DeliveryMode;
import io.github.udpkit.api.Endpoint;
import io.github.udpkit.api.Message;
import io.github.udpkit.core.Udp;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The server and client drivers over real loopback sockets. Until the protocol engine runs
 * RELIABLE endpoints, these run the drivers in RAW mode through a package seam: loopback does not
 * lose a handful of small datagrams, so what is checked here is the drivers' own logic.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class ChatOverSocketsTest {

    private static final Duration WAIT = Duration.ofSeconds(10);

    private DeliveryMode mode() {
        return DeliveryMode.RAW;
    }

    private ChatServer server(ChatServerConfig config) {
        return ChatServer.builder().bind("127.0.0.1", 0).config(config).mode(mode()).open();
    }

    private ChatClient client(ChatServer server, String name, ChatListener listener) {
        return ChatClient.builder().server(server.localAddress()).bind("127.0.0.1", 0).name(name)
                .listener(listener).mode(mode()).connect();
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
            try (ChatClient a = client(server, "alice", ra); ChatClient b = client(server, "bob", rb);
                 Endpoint<ChatFrame> ghost = Udp.endpoint(new ChatCodec()).bind("127.0.0.1", 0).mode(mode()).open()) {
                a.joined().get(10, TimeUnit.SECONDS);
                b.joined().get(10, TimeUnit.SECONDS);
                ghost.send(new ChatFrame.Join("ghost", "")).to(server.localAddress()).get(10, TimeUnit.SECONDS);
                Message<ChatFrame> joined = ghost.receive(WAIT);
                assertInstanceOf(ChatFrame.Joined.class, joined.payload());
                ra.await("+ghost", WAIT);
                // The ghost now says nothing and pings never; alice and bob ping on their own.
                ra.await("-ghost TIMED_OUT", WAIT);
                rb.await("-ghost TIMED_OUT", WAIT);
                a.say("still here").get(10, TimeUnit.SECONDS);
                rb.await("message alice: still here", WAIT);
                assertEquals(List.of("alice", "bob"), server.membersOf("lobby"), "pings kept the live members in");
                assertEquals(1, server.stats().timedOut());
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
