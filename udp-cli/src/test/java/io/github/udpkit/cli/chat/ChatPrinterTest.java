package io.github.udpkit.cli.chat;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.github.udpkit.chat.ChatJoined;
import io.github.udpkit.chat.ChatMessage;
import io.github.udpkit.chat.ChatNotice;
import io.github.udpkit.chat.ChatReason;
import io.github.udpkit.chat.LeaveReason;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import org.junit.jupiter.api.Test;

class ChatPrinterTest {

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();
    private final ChatPrinter printer = new ChatPrinter(new PrintWriter(out), new PrintWriter(err), ZoneId.of("Asia/Seoul"));
    // 2026-11-21T05:06:07Z is 14:06:07 in Seoul (UTC+9).
    private final Instant at = Instant.parse("2026-11-21T05:06:07Z");

    private List<String> lines(StringWriter w) {
        return w.toString().lines().toList();
    }

    @Test
    void shouldPrintMessagesWithTheServersTimeInLocalTime() {
        printer.onMessage(new ChatMessage("lobby", "alice", at, "hello", false));
        printer.onMessage(new ChatMessage("lobby", "bob", at.plusSeconds(61), "psst", true));
        assertEquals(List.of("[14:06:07] alice: hello", "[14:07:08] bob (private): psst"), lines(out));
    }

    @Test
    void shouldPrintPresenceAsTheSeedAsksForIt() {
        printer.onMemberJoined("lobby", "carol");
        printer.onMemberLeft("lobby", "carol", LeaveReason.LEFT);
        printer.onMemberLeft("lobby", "dave", LeaveReason.TIMED_OUT);
        printer.onMemberLeft("lobby", "erin", LeaveReason.SWITCHED_ROOM);
        printer.onMembers("lobby", List.of("alice", "bob"));
        assertEquals(List.of("* carol joined", "* carol left", "* dave left (timed out)", "* erin left (switched room)",
                "* 2 members in lobby: alice, bob"), lines(out));
    }

    @Test
    void shouldPrintTheRoomAndItsHistoryOnJoining() {
        printer.onJoined(new ChatJoined("lobby", "bob", List.of("alice", "bob"),
                List.of(new ChatMessage("lobby", "alice", at, "earlier", false)), Duration.ofSeconds(30), 10,
                Duration.ofMillis(200)));
        assertEquals(List.of("* joined lobby as bob (2 members: alice, bob)", "[14:06:07] alice: earlier"), lines(out));
    }

    @Test
    void shouldPrintRefusalsAndNoticesOnTheErrorStream() {
        printer.onJoinRejected(new ChatNotice(ChatReason.NAME_TAKEN, "the name bob is taken in room lobby"));
        printer.onNotice(new ChatNotice(ChatReason.RATE_LIMITED, "rate limited"));
        printer.onDisconnected(LeaveReason.SERVER_CLOSED);
        assertEquals(List.of("! join refused: the name bob is taken in room lobby", "! rate limited",
                "! disconnected: server closed"), lines(err));
        assertEquals("", out.toString());
    }
}
