package io.github.udpkit.chat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * The core's invariants under random traffic from a handful of addresses: whatever arrives, in
 * whatever order, the bounds hold, names stay unique per room, a message reaches exactly the other
 * members of its sender's room, and a stranger never gets more bytes than it sent.
 */
class ChatServerCorePropertiesTest {

    private static final int ADDRESSES = 8;

    record Step(int from, ChatFrame frame, int advanceMillis) {
    }

    @Provide
    Arbitrary<List<Step>> traffic() {
        Arbitrary<String> names = Arbitraries.of("ann", "Ann", "ＡＮＮ", "bob", "cy", "d\u0007", "", "e f", "x".repeat(40));
        Arbitrary<String> rooms = Arbitraries.of("", "lobby", "LOBBY", "dev", "ops", "bad room");
        Arbitrary<String> texts = Arbitraries.of("hi", "", " ", "tab\t", "rlo\u202E", "y".repeat(600), "hello world");
        Arbitrary<ChatFrame> frames = Arbitraries.oneOf(
                Combinators.combine(names, rooms).as(ChatFrame.Join::new),
                texts.map(ChatFrame.Say::new),
                Combinators.combine(names, texts).as(ChatFrame.Private::new),
                Arbitraries.just(new ChatFrame.Who()),
                Arbitraries.just(new ChatFrame.Leave()),
                rooms.map(ChatFrame.SwitchRoom::new),
                Arbitraries.just(new ChatFrame.Ping()),
                Arbitraries.just(new ChatFrame.Message("lobby", "ann", 1, "forged", false)));
        return Combinators.combine(Arbitraries.integers().between(0, ADDRESSES - 1), frames,
                        Arbitraries.integers().between(0, 3_000))
                .as(Step::new).list().ofMaxSize(120);
    }

    @Property(tries = 300)
    void shouldKeepItsInvariantsUnderAnyTraffic(@ForAll("traffic") List<Step> steps) {
        ChatServerConfig config = ChatServerConfig.builder().maxMembers(5).maxRooms(2).maxMembersPerRoom(3)
                .rateLimit(4, Duration.ofMillis(500)).idleTimeout(Duration.ofSeconds(10)).maxTextLength(100, 400).build();
        ChatServerCore core = new ChatServerCore(config);
        RecordingSink out = new RecordingSink();
        long now = 1_000_000;
        for (Step step : steps) {
            now += step.advanceMillis();
            InetSocketAddress from = RecordingSink.address(step.from());
            boolean wasMember = core.isMember(from);
            Map<InetSocketAddress, String> roomsBefore = rooms(core);
            core.onFrame(from, step.frame(), now, out);
            List<RecordingSink.Sent> sent = out.take();

            if (!wasMember) {
                int bytes = 0;
                for (RecordingSink.Sent s : sent) {
                    if (s.to().equals(from) && !(s.frame() instanceof ChatFrame.Joined)) {
                        bytes += ChatCodec.encodedSize(s.frame());
                    }
                }
                assertTrue(bytes <= ChatCodec.encodedSize(step.frame()), "stranger amplification: " + sent);
                if (!core.isMember(from)) {
                    assertTrue(sent.stream().allMatch(s -> s.to().equals(from)), "a refused stranger is not announced");
                }
            }
            for (RecordingSink.Sent s : sent) {
                if (s.frame() instanceof ChatFrame.Message m && !m.isPrivate()) {
                    // Relayed to the other members of the sender's room, never back, never elsewhere.
                    assertTrue(!s.to().equals(from) && m.room().equals(roomsBefore.get(from))
                            && m.room().equals(roomsBefore.get(s.to())), "misrouted " + m + " to " + s.to());
                    assertEquals(core.nameOf(from).orElseThrow(), m.from(), "stamped from the session");
                }
            }
            if (step.frame() instanceof ChatFrame.Say say && wasMember) {
                long relays = sent.stream().filter(s -> s.frame() instanceof ChatFrame.Message).count();
                boolean accepted = relays > 0;
                if (accepted) {
                    String room = roomsBefore.get(from);
                    long others = roomsBefore.values().stream().filter(room::equals).count() - 1;
                    assertEquals(others, relays, "one copy for each other member of " + room);
                    assertEquals(say.text(), ((ChatFrame.Message) sent.get(0).frame()).text());
                }
            }
            core.tick(now, out);
            out.take();
            checkBounds(core, config);
        }
    }

    private static Map<InetSocketAddress, String> rooms(ChatServerCore core) {
        Map<InetSocketAddress, String> rooms = new HashMap<>();
        for (int i = 0; i < ADDRESSES; i++) {
            InetSocketAddress a = RecordingSink.address(i);
            core.roomOf(a).ifPresent(r -> rooms.put(a, r));
        }
        return rooms;
    }

    private static void checkBounds(ChatServerCore core, ChatServerConfig config) {
        ChatServerStats stats = core.stats();
        assertTrue(stats.members() <= config.maxMembers());
        assertTrue(stats.rooms() <= config.maxRooms());
        Map<String, Set<String>> foldedByRoom = new HashMap<>();
        for (int i = 0; i < ADDRESSES; i++) {
            InetSocketAddress a = RecordingSink.address(i);
            if (core.isMember(a)) {
                String room = ChatText.fold(core.roomOf(a).orElseThrow());
                String name = ChatText.fold(core.nameOf(a).orElseThrow());
                assertTrue(foldedByRoom.computeIfAbsent(room, r -> new HashSet<>()).add(name),
                        "two members called " + name + " in " + room);
            }
        }
        for (Set<String> names : foldedByRoom.values()) {
            assertTrue(names.size() <= config.maxMembersPerRoom());
        }
        assertEquals(stats.members(), foldedByRoom.values().stream().mapToInt(Set::size).sum());
        assertEquals(stats.rooms(), foldedByRoom.size(), "a room exists while it has members, and only then");
    }
}
