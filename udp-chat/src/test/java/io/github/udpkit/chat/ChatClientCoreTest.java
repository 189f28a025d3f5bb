package io.github.udpkit.chat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ChatClientCoreTest {

    private final List<String> events = new ArrayList<>();
    private final ChatListener listener = new ChatListener() {
        @Override
        public void onJoined(ChatJoined joined) {
            events.add("joined " + joined.room() + " as " + joined.name() + " with " + joined.members()
                    + " history " + joined.history().size());
        }

        @Override
        public void onMessage(ChatMessage m) {
            events.add((m.isPrivate() ? "private " : "message ") + m.sender() + "@" + m.serverTime().toEpochMilli()
                    + ": " + m.text());
        }

        @Override
        public void onMemberJoined(String room, String name) {
            events.add("+" + name);
        }

        @Override
        public void onMemberLeft(String room, String name, LeaveReason reason) {
            events.add("-" + name + " " + reason);
        }

        @Override
        public void onJoinRejected(ChatNotice rejection) {
            events.add("rejected " + rejection.reason() + ": " + rejection.text());
        }

        @Override
        public void onNotice(ChatNotice notice) {
            events.add("notice " + notice.reason());
        }

        @Override
        public void onMembers(String room, List<String> members) {
            events.add("members " + members);
        }

        @Override
        public void onDisconnected(LeaveReason reason) {
            events.add("disconnected " + reason);
        }
    };

    private final ChatClientCore core = new ChatClientCore("bob", "lobby", listener);

    private static ChatFrame.Joined joined(List<String> members) {
        return new ChatFrame.Joined("lobby", "bob", 30_000, 10, 200, members,
                List.of(new ChatFrame.HistoryEntry("alice", 5, "earlier")));
    }

    @Test
    void shouldAskToJoinWithItsNameAndRoom() {
        assertEquals(new ChatFrame.Join("bob", "lobby"), core.joinFrame());
    }

    @Test
    void shouldRefuseAnInvalidNameOrRoomAtOnce() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new ChatClientCore("bad\u001bname", "", listener));
        assertTrue(e.getMessage().contains("\\u001B"), "the escape is shown escaped: " + e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new ChatClientCore("ok", "two words", listener));
    }

    @Test
    void shouldTurnFramesIntoEventsAndKeepTheMemberList() {
        core.onFrame(joined(List.of("alice", "bob")));
        core.onFrame(new ChatFrame.MemberJoined("lobby", "carol"));
        core.onFrame(new ChatFrame.Message("lobby", "alice", 1000, "hello", false));
        core.onFrame(new ChatFrame.Message("lobby", "carol", 1001, "psst", true));
        core.onFrame(new ChatFrame.MemberLeft("lobby", "alice", LeaveReason.TIMED_OUT));
        assertEquals(List.of("bob", "carol"), core.members());
        core.onFrame(new ChatFrame.Members("lobby", List.of("bob", "carol", "dave")));
        assertEquals(List.of("bob", "carol", "dave"), core.members());
        core.onFrame(new ChatFrame.Notice(ChatReason.RATE_LIMITED, ""));
        core.onFrame(new ChatFrame.Rejected(ChatReason.NAME_TAKEN, ""));
        core.onFrame(new ChatFrame.Bye(LeaveReason.SERVER_CLOSED));
        core.onFrame(new ChatFrame.Message("lobby", "carol", 1002, "after goodbye", false));
        assertEquals(List.of(
                "joined lobby as bob with [alice, bob] history 1",
                "+carol",
                "message alice@1000: hello",
                "private carol@1001: psst",
                "-alice TIMED_OUT",
                "members [bob, carol, dave]",
                "notice RATE_LIMITED",
                "rejected NAME_TAKEN: " + ChatReason.NAME_TAKEN.standardText(),
                "disconnected SERVER_CLOSED"), events);
        assertTrue(core.isDisconnected());
        assertEquals(1, core.invalidFrames(), "nothing after the goodbye");
    }

    @Test
    void shouldCarryTheServersTimeIntoTheMessage() {
        List<ChatMessage> got = new ArrayList<>();
        ChatClientCore c = new ChatClientCore("bob", "", new ChatListener() {
            @Override
            public void onMessage(ChatMessage message) {
                got.add(message);
            }
        });
        c.onFrame(new ChatFrame.Message("lobby", "alice", 1_700_000_000_123L, "hi", false));
        assertEquals(new ChatMessage("lobby", "alice", Instant.ofEpochMilli(1_700_000_000_123L), "hi", false), got.get(0));
    }

    @Test
    void shouldDropFramesThatWouldPutControlOrBidiCharactersOnAScreen() {
        core.onFrame(joined(List.of("bob")));
        events.clear();
        core.onFrame(new ChatFrame.Message("lobby", "alice", 1, "\u001b[2J\u001b[Hgotcha", false));
        core.onFrame(new ChatFrame.Message("lobby", "ali\u202Eecil", 1, "hi", false));
        core.onFrame(new ChatFrame.MemberJoined("lobby", "two words"));
        core.onFrame(new ChatFrame.Notice(ChatReason.RATE_LIMITED, "bell\u0007"));
        core.onFrame(new ChatFrame.Joined("lobby", "bob", 1, 1, 1, List.of("x\ty"), List.of()));
        core.onFrame(new ChatFrame.Say("a client frame"));
        assertEquals(List.of(), events);
        assertEquals(6, core.invalidFrames());
    }

    @Test
    void shouldPingAtAThirdOfTheIdleTimeoutOnlyWhenItHasSentNothing() {
        assertEquals(Optional.empty(), core.pingIfDue(1_000_000), "no pings before joining");
        core.onSent(0);
        core.onFrame(joined(List.of("bob")));
        assertEquals(Optional.of(Duration.ofSeconds(10)), core.pingInterval());
        assertEquals(Optional.empty(), core.pingIfDue(9_999));
        assertTrue(core.pingIfDue(10_000).isPresent());
        core.onSent(10_000);
        assertFalse(core.pingIfDue(15_000).isPresent());
        core.disconnected(LeaveReason.UNREACHABLE);
        assertFalse(core.pingIfDue(100_000).isPresent(), "no pings once disconnected");
    }

    @Test
    void shouldReportTheDisconnectionOnce() {
        assertTrue(core.disconnected(LeaveReason.TIMED_OUT));
        assertFalse(core.disconnected(LeaveReason.UNREACHABLE));
        assertEquals(List.of("disconnected TIMED_OUT"), events);
    }
}
