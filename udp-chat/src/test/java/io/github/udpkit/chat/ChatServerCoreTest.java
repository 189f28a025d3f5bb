package io.github.udpkit.chat;

import static io.github.udpkit.chat.RecordingSink.address;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.udpkit.core.protocol.Engine;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ChatServerCoreTest {

    private static final long T0 = 1_700_000_000_000L;
    private static final InetSocketAddress A = address(1);
    private static final InetSocketAddress B = address(2);
    private static final InetSocketAddress C = address(3);

    private final RecordingSink out = new RecordingSink();
    private final List<String> events = new ArrayList<>();
    private final ChatServerListener listener = new ChatServerListener() {
        @Override
        public void onMemberJoined(InetSocketAddress address, String room, String name) {
            events.add("joined " + room + " " + name);
        }

        @Override
        public void onMemberLeft(InetSocketAddress address, String room, String name, LeaveReason reason) {
            events.add("left " + room + " " + name + " " + reason);
        }

        @Override
        public void onRejected(InetSocketAddress address, ChatReason reason) {
            events.add("rejected " + reason);
        }
    };

    private ChatServerCore core(ChatServerConfig config) {
        return new ChatServerCore(config, listener);
    }

    private ChatServerCore core() {
        return core(ChatServerConfig.defaults());
    }

    private static ChatFrame only(List<ChatFrame> frames) {
        assertEquals(1, frames.size(), "frames: " + frames);
        return frames.get(0);
    }

    private void join(ChatServerCore core, InetSocketAddress who, String name, String room, long now) {
        core.onFrame(who, new ChatFrame.Join(name, room), now, out);
        assertTrue(core.isMember(who), () -> name + " should have joined: " + out.to(who));
    }

    @Test
    void shouldSendTheJoinerTheMemberListAndAnnounceItToTheOthers() {
        ChatServerCore core = core();
        core.onFrame(A, new ChatFrame.Join("alice", ""), T0, out);
        ChatFrame.Joined joined = assertInstanceOf(ChatFrame.Joined.class, only(out.to(A)));
        assertEquals("lobby", joined.room(), "an empty room is the default room");
        assertEquals("alice", joined.name());
        assertEquals(List.of("alice"), joined.members());
        assertEquals(List.of(), joined.history());
        assertEquals(30_000, joined.idleTimeoutMillis());
        assertEquals(10, joined.rateBurst());
        assertEquals(200, joined.rateRefillMillis());
        out.clear();

        core.onFrame(B, new ChatFrame.Join("bob", "lobby"), T0 + 1, out);
        assertEquals(new ChatFrame.MemberJoined("lobby", "bob"), only(out.to(A)));
        assertEquals(List.of("alice", "bob"), ((ChatFrame.Joined) only(out.to(B))).members());
        assertEquals(List.of("joined lobby alice", "joined lobby bob"), events);
    }

    @Test
    void shouldStampTheSendersNameFromItsSessionAndTheServersTime() {
        ChatServerCore core = core();
        join(core, A, "alice", "", T0);
        join(core, B, "bob", "", T0);
        join(core, C, "carol", "", T0);
        out.clear();

        core.onFrame(A, new ChatFrame.Say("bob: I am not alice"), T0 + 1234, out);
        ChatFrame.Message expected = new ChatFrame.Message("lobby", "alice", T0 + 1234, "bob: I am not alice", false);
        assertEquals(expected, only(out.to(B)));
        assertEquals(expected, only(out.to(C)));
        assertEquals(List.of(), out.to(A), "the sender does not get its own message back");
    }

    @Test
    void shouldIgnoreServerFramesFromClientsSoNoOneCanForgeAMessage() {
        ChatServerCore core = core();
        join(core, A, "alice", "", T0);
        join(core, B, "bob", "", T0);
        out.clear();
        for (ChatFrame forged : List.of(new ChatFrame.Message("lobby", "bob", 1, "forged", false),
                new ChatFrame.MemberLeft("lobby", "bob", LeaveReason.LEFT), new ChatFrame.Bye(LeaveReason.LEFT),
                new ChatFrame.Members("lobby", List.of()))) {
            core.onFrame(A, forged, T0 + 1, out);
        }
        assertEquals(0, out.size());
        assertEquals(4, core.stats().unexpectedFrames());
        assertTrue(core.isMember(B));
    }

    @Test
    void shouldGiveAJoinerTheLastMessagesOfTheRoomOldestFirst() {
        ChatServerCore core = core(ChatServerConfig.builder().historySize(3).build());
        join(core, A, "alice", "", T0);
        for (int i = 1; i <= 5; i++) {
            core.onFrame(A, new ChatFrame.Say("m" + i), T0 + i, out);
        }
        out.clear();
        core.onFrame(B, new ChatFrame.Join("bob", ""), T0 + 10, out);
        ChatFrame.Joined joined = (ChatFrame.Joined) only(out.to(B));
        assertEquals(List.of(new ChatFrame.HistoryEntry("alice", T0 + 3, "m3"),
                new ChatFrame.HistoryEntry("alice", T0 + 4, "m4"),
                new ChatFrame.HistoryEntry("alice", T0 + 5, "m5")), joined.history());
    }

    @Test
    void shouldKeepNoHistoryWhenConfiguredSo() {
        ChatServerCore core = core(ChatServerConfig.builder().historySize(0).build());
        join(core, A, "alice", "", T0);
        core.onFrame(A, new ChatFrame.Say("hello"), T0, out);
        out.clear();
        core.onFrame(B, new ChatFrame.Join("bob", ""), T0, out);
        assertEquals(List.of(), ((ChatFrame.Joined) only(out.to(B))).history());
    }

    // ---------------------------------------------------------------- names

    @ParameterizedTest
    @ValueSource(strings = {"alice", "Alice", "ALICE", "aLiCe", "Ａｌｉｃｅ", "ａｌｉｃｅ"})
    void shouldRejectADuplicateNameInAnyCaseOrWidth(String name) {
        ChatServerCore core = core();
        join(core, A, "alice", "", T0);
        out.clear();
        events.clear();
        core.onFrame(B, new ChatFrame.Join(name, "lobby"), T0, out);
        assertEquals(ChatReason.NAME_TAKEN, ((ChatFrame.Rejected) only(out.to(B))).reason());
        assertFalse(core.isMember(B));
        assertEquals(1, core.stats().members());
        assertEquals(List.of("rejected NAME_TAKEN"), events);
        assertEquals(List.of(), out.to(A), "a refused joiner is not announced");
    }

    @Test
    void shouldRejectADuplicateNameThatDiffersOnlyInNormalisation() {
        ChatServerCore core = core();
        join(core, A, "Jos\u00E9", "", T0); // composed é
        out.clear();
        core.onFrame(B, new ChatFrame.Join("jose\u0301", "lobby"), T0, out); // e + combining acute
        assertEquals(ChatReason.NAME_TAKEN, ((ChatFrame.Rejected) only(out.to(B))).reason());
        core.onFrame(C, new ChatFrame.Join("\u212Aate", ""), T0, out); // KELVIN SIGN
        join(core, C, "Kate", "", T0);
        out.clear();
        core.onFrame(address(4), new ChatFrame.Join("\u212Aate", ""), T0, out);
        assertEquals(ChatReason.NAME_TAKEN, ((ChatFrame.Rejected) only(out.to(address(4)))).reason());
    }

    @Test
    void shouldAllowTheSameNameInDifferentRooms() {
        ChatServerCore core = core();
        join(core, A, "alice", "lobby", T0);
        join(core, B, "alice", "dev", T0);
        assertEquals(2, core.stats().rooms());
    }

    @Test
    void shouldRejectEachInvalidNameWithItsReasonAndKeepNoState() {
        ChatServerCore core = core();
        String longRoom = "\u00E9".repeat(32); // 64 bytes: a long request leaves room for the explanation
        record Case(String name, ChatReason reason, String textContains) {
        }
        for (Case c : List.of(
                new Case("", ChatReason.NAME_EMPTY, "empty"),
                new Case("n".repeat(33), ChatReason.NAME_TOO_LONG, "33 characters"),
                new Case("\uD83D\uDE00".repeat(17), ChatReason.NAME_TOO_LONG, "68 bytes"),
                new Case("bad\u0007bell", ChatReason.NAME_INVALID, "control character U+0007"),
                new Case("\u001b[31mred", ChatReason.NAME_INVALID, "control character U+001B"),
                new Case("admin\u202Egpj", ChatReason.NAME_INVALID, "bidirectional"),
                new Case("iso\u2066late", ChatReason.NAME_INVALID, "bidirectional"),
                new Case("zero\u200Bwidth", ChatReason.NAME_INVALID, "format character"),
                new Case("two words", ChatReason.NAME_INVALID, "space"))) {
            out.clear();
            core.onFrame(B, new ChatFrame.Join(c.name(), longRoom), T0, out);
            ChatFrame.Rejected r = (ChatFrame.Rejected) only(out.to(B));
            assertEquals(c.reason(), r.reason(), c.name());
            assertTrue(r.text().contains(c.textContains()), c.name() + ": " + r.text());
            assertFalse(core.isMember(B));
        }
        assertEquals(0, core.stats().members());
        assertEquals(0, core.stats().rooms());
    }

    @Test
    void shouldRejectAnInvalidRoomName() {
        ChatServerCore core = core();
        core.onFrame(A, new ChatFrame.Join("alice-with-a-long-name", "bad room"), T0, out);
        assertEquals(ChatReason.ROOM_INVALID, ((ChatFrame.Rejected) only(out.to(A))).reason());
        assertEquals(0, core.stats().rooms());
    }

    @Test
    void shouldRefuseASecondJoinFromAMember() {
        ChatServerCore core = core();
        join(core, A, "alice", "", T0);
        out.clear();
        core.onFrame(A, new ChatFrame.Join("alice2", "dev"), T0, out);
        assertEquals(ChatReason.ALREADY_JOINED, ((ChatFrame.Rejected) only(out.to(A))).reason());
        assertEquals("alice", core.nameOf(A).orElseThrow());
    }

    // ---------------------------------------------------------------- strangers: no state, no amplification

    @Test
    void shouldNeverAnswerAStrangerWithMoreBytesThanItSent() {
        ChatServerCore core = core();
        join(core, A, "alice", "", T0);
        out.clear();
        InetSocketAddress stranger = address(99);
        List<ChatFrame> requests = List.of(
                new ChatFrame.Join("", ""), new ChatFrame.Join("", "lobby"), new ChatFrame.Join("alice", ""),
                new ChatFrame.Join("x\u0007", ""), new ChatFrame.Join("ALICE", "lobby"),
                new ChatFrame.Say("hi"), new ChatFrame.Say("a much longer message that leaves room for an explanation"),
                new ChatFrame.Who(), new ChatFrame.Ping(), new ChatFrame.Leave(), new ChatFrame.SwitchRoom("x"),
                new ChatFrame.Private("alice", "hello"));
        for (ChatFrame request : requests) {
            core.onFrame(stranger, request, T0, out);
            int sent = 0;
            for (ChatFrame reply : out.to(stranger)) {
                sent += ChatCodec.encodedSize(reply);
            }
            assertTrue(sent <= ChatCodec.encodedSize(request),
                    request + " (" + ChatCodec.encodedSize(request) + " bytes) drew " + out.to(stranger));
            out.clear();
            assertFalse(core.isMember(stranger));
        }
        assertEquals(1, core.stats().members());
        assertEquals(1, core.stats().rooms());
        assertTrue(core.stats().repliesWithheld() > 0, "the tiniest requests get no reply at all");
    }

    @Test
    void shouldSendTheReasonCodeAloneWhenTheTextWouldNotFit() {
        ChatServerCore core = core();
        join(core, A, "alice", "", T0);
        out.clear();
        core.onFrame(B, new ChatFrame.Join("alice", ""), T0, out); // 9 bytes: room for the code only
        ChatFrame.Rejected r = (ChatFrame.Rejected) only(out.to(B));
        assertEquals(new ChatFrame.Rejected(ChatReason.NAME_TAKEN, ""), r);
        assertEquals(ChatReason.NAME_TAKEN.standardText(), r.explanation());
    }

    @Test
    void shouldTellADroppedMemberItIsNotJoinedAnymore() {
        ChatServerCore core = core();
        core.onFrame(A, new ChatFrame.Say("is anyone there? this is long enough for the explanation to fit in"),
                T0, out);
        ChatFrame.Notice n = (ChatFrame.Notice) only(out.to(A));
        assertEquals(ChatReason.NOT_JOINED, n.reason());
        assertFalse(core.isMember(A));
    }

    @Test
    void shouldStayBoundedUnderAFloodOfJoinsAndKeepServingItsMembers() {
        ChatServerConfig config = ChatServerConfig.builder().maxMembers(500).maxRooms(50).maxMembersPerRoom(100).build();
        ChatServerCore core = core(config);
        join(core, A, "alice", "real", T0);
        join(core, B, "bob", "real", T0);
        events.clear();
        long framesToStrangers = 0;
        for (int i = 0; i < 100_000; i++) {
            InetSocketAddress src = new InetSocketAddress("10." + (i >> 16 & 255) + "." + (i >> 8 & 255) + "." + (i & 255),
                    1 + i % 60_000);
            core.onFrame(src, new ChatFrame.Join("flood" + i, "room" + (i % 200)), T0 + i, out);
            framesToStrangers += out.size() - out.to(A).size() - out.to(B).size();
            out.clear();
        }
        ChatServerStats stats = core.stats();
        assertTrue(stats.members() <= 500, "members " + stats.members());
        assertTrue(stats.rooms() <= 50, "rooms " + stats.rooms());
        assertTrue(framesToStrangers > 0);
        // The real members are still served.
        core.onFrame(A, new ChatFrame.Say("still here?"), T0 + 100_001, out);
        assertEquals("still here?", ((ChatFrame.Message) only(out.to(B))).text());
    }

    // ---------------------------------------------------------------- presence

    @Test
    void shouldAnnounceALeaveAndForgetAnEmptyRoom() {
        ChatServerCore core = core();
        join(core, A, "alice", "", T0);
        join(core, B, "bob", "", T0);
        out.clear();
        core.onFrame(B, new ChatFrame.Leave(), T0 + 1, out);
        assertEquals(new ChatFrame.MemberLeft("lobby", "bob", LeaveReason.LEFT), only(out.to(A)));
        assertFalse(core.isMember(B));
        out.clear();
        core.onFrame(A, new ChatFrame.Leave(), T0 + 2, out);
        assertEquals(0, out.size());
        assertEquals(0, core.stats().rooms());
        assertTrue(events.contains("left lobby bob LEFT"), events.toString());
    }

    @Test
    void shouldAnswerWhoWithTheMembersInJoinOrder() {
        ChatServerCore core = core();
        join(core, A, "alice", "", T0);
        join(core, B, "bob", "", T0);
        join(core, C, "carol", "dev", T0);
        out.clear();
        core.onFrame(B, new ChatFrame.Who(), T0, out);
        assertEquals(new ChatFrame.Members("lobby", List.of("alice", "bob")), only(out.to(B)));
    }

    @Test
    void shouldSwitchRoomsAnnouncingTheMoveInBothRooms() {
        ChatServerCore core = core();
        join(core, A, "alice", "", T0);
        join(core, B, "bob", "", T0);
        join(core, C, "carol", "Dev", T0);
        out.clear();
        core.onFrame(B, new ChatFrame.SwitchRoom("dev"), T0 + 1, out);
        assertEquals(new ChatFrame.MemberLeft("lobby", "bob", LeaveReason.SWITCHED_ROOM), only(out.to(A)));
        assertEquals(new ChatFrame.MemberJoined("Dev", "bob"), only(out.to(C)));
        ChatFrame.Joined j = (ChatFrame.Joined) only(out.to(B));
        assertEquals("Dev", j.room(), "the room keeps the name it was created with");
        assertEquals(List.of("carol", "bob"), j.members());
        assertEquals("Dev", core.roomOf(B).orElseThrow());
        out.clear();
        core.onFrame(B, new ChatFrame.Say("hi dev"), T0 + 2, out);
        assertEquals(List.of(), out.to(A));
        assertEquals("hi dev", ((ChatFrame.Message) only(out.to(C))).text());
    }

    @Test
    void shouldRefuseARoomSwitchWhereTheNameIsTakenAndStayPut() {
        ChatServerCore core = core();
        join(core, A, "alice", "", T0);
        join(core, B, "bob", "", T0);
        join(core, C, "BOB", "dev", T0);
        out.clear();
        core.onFrame(B, new ChatFrame.SwitchRoom("dev"), T0, out);
        assertEquals(ChatReason.NAME_TAKEN, ((ChatFrame.Rejected) only(out.to(B))).reason());
        assertEquals("lobby", core.roomOf(B).orElseThrow());
        assertEquals(List.of(), out.to(A));
        out.clear();
        core.onFrame(B, new ChatFrame.SwitchRoom("LOBBY"), T0, out);
        assertEquals(ChatReason.ALREADY_IN_ROOM, ((ChatFrame.Rejected) only(out.to(B))).reason());
    }

    @Test
    void shouldDropASilentMemberAfterTheIdleTimeoutAndAnnounceIt() {
        ChatServerCore core = core(ChatServerConfig.builder().idleTimeout(Duration.ofSeconds(10)).build());
        join(core, A, "alice", "", T0);
        join(core, B, "bob", "", T0);
        assertEquals(T0 + 10_000, core.nextDeadline());
        core.onFrame(A, new ChatFrame.Ping(), T0 + 6_000, out);
        out.clear();
        core.tick(T0 + 9_999, out);
        assertEquals(0, out.size(), "not yet");
        core.tick(T0 + 10_000, out);
        assertEquals(new ChatFrame.MemberLeft("lobby", "bob", LeaveReason.TIMED_OUT), only(out.to(A)));
        assertEquals(new ChatFrame.Bye(LeaveReason.TIMED_OUT), only(out.to(B)));
        assertFalse(core.isMember(B));
        assertTrue(core.isMember(A));
        assertEquals(T0 + 16_000, core.nextDeadline());
        assertEquals(1, core.stats().timedOut());
        out.clear();
        core.tick(T0 + 16_000, out);
        assertFalse(core.isMember(A));
        assertEquals(Engine.NO_DEADLINE, core.nextDeadline());
    }

    @Test
    void shouldDropAMemberTheTransportReportsGone() {
        ChatServerCore core = core();
        join(core, A, "alice", "", T0);
        join(core, B, "bob", "", T0);
        out.clear();
        core.onPeerGone(B, LeaveReason.UNREACHABLE, out);
        assertEquals(new ChatFrame.MemberLeft("lobby", "bob", LeaveReason.UNREACHABLE), only(out.to(A)));
        assertEquals(1, core.stats().unreachable());
        core.onPeerGone(B, LeaveReason.UNREACHABLE, out);
        core.onPeerGone(address(77), LeaveReason.TIMED_OUT, out);
        assertEquals(1, out.size(), "a non-member's going changes nothing");
    }

    @Test
    void shouldSayGoodbyeToEveryoneOnClose() {
        ChatServerCore core = core();
        join(core, A, "alice", "", T0);
        join(core, B, "bob", "dev", T0);
        out.clear();
        core.close(out);
        assertEquals(new ChatFrame.Bye(LeaveReason.SERVER_CLOSED), only(out.to(A)));
        assertEquals(new ChatFrame.Bye(LeaveReason.SERVER_CLOSED), only(out.to(B)));
        assertEquals(0, core.stats().members());
        assertEquals(0, core.stats().rooms());
    }

    // ---------------------------------------------------------------- private messages

    @Test
    void shouldDeliverAPrivateMessageToItsRecipientAloneWithThePrivateFlag() {
        ChatServerCore core = core();
        join(core, A, "alice", "", T0);
        join(core, B, "Bob", "", T0);
        join(core, C, "carol", "", T0);
        out.clear();
        core.onFrame(A, new ChatFrame.Private("BOB", "just for you"), T0 + 5, out);
        assertEquals(new ChatFrame.Message("lobby", "alice", T0 + 5, "just for you", true), only(out.to(B)));
        assertEquals(1, out.size());
        out.clear();
        core.onFrame(address(4), new ChatFrame.Join("dave", ""), T0 + 6, out);
        assertEquals(List.of(), ((ChatFrame.Joined) out.to(address(4)).get(0)).history(), "private messages are not history");
    }

    @Test
    void shouldTellTheSenderWhenNoMemberHasThatName() {
        ChatServerCore core = core();
        join(core, A, "alice", "", T0);
        join(core, B, "bob", "dev", T0);
        out.clear();
        core.onFrame(A, new ChatFrame.Private("bob", "are you here?"), T0, out);
        ChatFrame.Notice n = (ChatFrame.Notice) only(out.to(A));
        assertEquals(ChatReason.NO_SUCH_MEMBER, n.reason());
        assertTrue(n.text().contains("bob"), n.text());
        assertEquals(List.of(), out.to(B), "members of other rooms are not reachable");
    }

    // ---------------------------------------------------------------- validation and rate limits

    @Test
    void shouldRefuseInvalidTextsWithANoticeAndRelayNothing() {
        ChatServerCore core = core(ChatServerConfig.builder().maxTextLength(10, 40).build());
        join(core, A, "alice", "", T0);
        join(core, B, "bob", "", T0);
        out.clear();
        String[] texts = {"   ", "eleven chars", "ansi \u001b[2J", "rlo \u202Eevil", "tab\there"};
        ChatReason[] reasons = {ChatReason.TEXT_EMPTY, ChatReason.TEXT_TOO_LONG, ChatReason.TEXT_INVALID,
            ChatReason.TEXT_INVALID, ChatReason.TEXT_INVALID};
        for (int i = 0; i < texts.length; i++) {
            core.onFrame(A, new ChatFrame.Say(texts[i]), T0 + i * 1000L, out);
            assertEquals(reasons[i], ((ChatFrame.Notice) only(out.to(A))).reason(), texts[i]);
            assertEquals(List.of(), out.to(B));
            out.clear();
        }
        core.onFrame(A, new ChatFrame.Private("bob", "\u0000"), T0 + 10_000, out);
        assertEquals(ChatReason.TEXT_INVALID, ((ChatFrame.Notice) only(out.to(A))).reason());
        assertEquals(6, core.stats().invalidRequests());
    }

    @Test
    void shouldRateLimitEachMemberWithOneNoticePerRunOfDroppedRequests() {
        ChatServerCore core = core(ChatServerConfig.builder().rateLimit(3, Duration.ofSeconds(1)).build());
        join(core, A, "alice", "", T0);
        join(core, B, "bob", "", T0);
        out.clear();
        for (int i = 0; i < 6; i++) {
            core.onFrame(A, new ChatFrame.Say("m" + i), T0, out);
        }
        assertEquals(3, out.to(B).size());
        List<ChatFrame> toA = out.to(A);
        assertEquals(1, toA.size(), "one notice, not three");
        ChatFrame.Notice n = (ChatFrame.Notice) toA.get(0);
        assertEquals(ChatReason.RATE_LIMITED, n.reason());
        assertTrue(n.text().contains("1000 ms"), n.text());
        assertEquals(3, core.stats().rateLimited());
        out.clear();

        // Bob has his own bucket.
        core.onFrame(B, new ChatFrame.Say("bob's turn"), T0, out);
        assertEquals(1, out.to(A).size());
        out.clear();

        core.onFrame(A, new ChatFrame.Say("after a second"), T0 + 1_000, out);
        assertEquals("after a second", ((ChatFrame.Message) only(out.to(B))).text());
        core.onFrame(A, new ChatFrame.Say("too soon again"), T0 + 1_000, out);
        assertEquals(ChatReason.RATE_LIMITED, ((ChatFrame.Notice) only(out.to(A))).reason(),
                "a new run of drops gets a new notice");
    }

    @Test
    void shouldNotRateLimitPings() {
        ChatServerCore core = core(ChatServerConfig.builder().rateLimit(1, Duration.ofSeconds(1)).build());
        join(core, A, "alice", "", T0);
        out.clear();
        for (int i = 0; i < 100; i++) {
            core.onFrame(A, new ChatFrame.Ping(), T0, out);
        }
        assertEquals(0, out.size());
        assertEquals(0, core.stats().rateLimited());
    }

    // ---------------------------------------------------------------- bounds

    @Test
    void shouldRefuseJoinsBeyondTheRoomTheServerAndTheRoomCountLimits() {
        ChatServerCore core = core(ChatServerConfig.builder().maxMembers(3).maxRooms(2).maxMembersPerRoom(2).build());
        join(core, A, "alice", "one", T0);
        join(core, B, "bob", "one", T0);
        out.clear();
        core.onFrame(C, new ChatFrame.Join("carol-with-a-longer-name", "one"), T0, out);
        assertEquals(ChatReason.ROOM_FULL, ((ChatFrame.Rejected) only(out.to(C))).reason());
        join(core, C, "carol", "two", T0);
        out.clear();
        InetSocketAddress d = address(4);
        core.onFrame(d, new ChatFrame.Join("dave-with-a-longer-name", "two"), T0, out);
        assertEquals(ChatReason.SERVER_FULL, ((ChatFrame.Rejected) only(out.to(d))).reason());
        core.onFrame(C, new ChatFrame.Leave(), T0, out);
        out.clear();
        core.onFrame(d, new ChatFrame.Join("dave-with-a-longer-name", "three"), T0, out);
        assertTrue(core.isMember(d), "room two emptied, so room three may open");
        out.clear();
        core.onFrame(A, new ChatFrame.SwitchRoom("four"), T0, out);
        assertEquals(ChatReason.TOO_MANY_ROOMS, ((ChatFrame.Rejected) only(out.to(A))).reason());
        core.onFrame(d, new ChatFrame.SwitchRoom("five"), T0 + 1000, out);
        assertEquals("five", core.roomOf(d).orElseThrow(), "leaving its own room frees the slot it needs");
    }

    // ---------------------------------------------------------------- scale

    @Test
    void shouldDeliverEveryMessageOnceToEachOfAThousandMembersInOneOrder() {
        ChatServerCore core = core();
        int n = 1000;
        InetSocketAddress[] who = new InetSocketAddress[n];
        for (int i = 0; i < n; i++) {
            who[i] = address(i);
            join(core, who[i], "member" + i, "", T0);
        }
        out.clear();
        List<String> said = new ArrayList<>();
        for (int round = 0; round < 5; round++) {
            for (int i = 0; i < n; i += 97) {
                String text = "round " + round + " from " + i;
                core.onFrame(who[i], new ChatFrame.Say(text), T0 + round, out);
                said.add(text);
            }
        }
        List<List<String>> received = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            received.add(new ArrayList<>());
        }
        for (RecordingSink.Sent s : out.take()) {
            ChatFrame.Message m = (ChatFrame.Message) s.frame();
            received.get(s.to().getPort() - 10_000).add(m.text());
        }
        for (int i = 0; i < n; i++) {
            String self = " from " + i;
            List<String> expected = said.stream().filter(t -> !t.endsWith(self)).toList();
            assertEquals(expected, received.get(i), "member " + i);
        }
    }
}
