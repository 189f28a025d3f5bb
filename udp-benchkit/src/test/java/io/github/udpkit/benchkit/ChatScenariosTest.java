package io.github.udpkit.benchkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.udpkit.chat.ChatMessage;
import io.github.udpkit.chat.ChatServerConfig;
import io.github.udpkit.chat.ChatText;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The chat fan-out row: counted per member delivery, nothing lost, and nothing left open. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ChatScenariosTest {

    private static final BenchPlan TINY = BenchPlan.quick()
            .warmup(Duration.ofMillis(20)).round(Duration.ofMillis(40)).rounds(2).build();

    private static ChatMessage said(String text) {
        return new ChatMessage("lobby", "speaker", Instant.EPOCH, text, false);
    }

    @Test
    void shouldCarryTheStampAsHexDigitsInAValidChatTextOfThePayloadSize() {
        String text = ChatScenarios.text(0x1234_abcd, 0x0fed_cba9_8765_4321L, 64);
        assertEquals(64, text.length());
        assertTrue(text.startsWith("1234abcd0fedcba987654321."), text);
        assertTrue(ChatText.checkText(text, 500, 2_000).isEmpty(), () -> "the server would refuse " + text);

        ChatScenarios.Member member = new ChatScenarios.Member(64);
        member.onMessage(said(ChatScenarios.text(-7, 0, 64)));
        assertEquals(1, member.snapshot(-7).unique(), "a negative round travels as its unsigned hex");
    }

    @Test
    void shouldCountInOrderDeliveriesOnceAndTheRestAsDuplicatesGapsStaleOrMalformed() {
        ChatScenarios.Member member = new ChatScenarios.Member(32);
        for (long seq : new long[] {0, 1, 2, 2, 1, 5, 6}) {
            member.onMessage(said(ChatScenarios.text(3, seq, 32)));
        }
        member.onMessage(said(ChatScenarios.text(3, 7, 33).substring(0, 31))); // too short
        member.onMessage(said("zzzzzzzz" + ChatScenarios.text(3, 8, 32).substring(8).replace('0', 'x'))); // not hex
        member.onMessage(said(ChatScenarios.text(2, 9, 32))); // an earlier round's straggler

        SequenceCounter.Snapshot s = member.snapshot(3);
        assertEquals(5, s.unique(), "0, 1, 2, 5 and 6: " + s);
        assertEquals(2, s.duplicates(), "2 and 1 again: " + s);
        assertEquals(1, s.reordered(), "the gap before 5: " + s);
        assertEquals(2, s.malformed(), s::toString);
        assertEquals(1, s.stale(), s::toString);
        assertEquals(7, member.received(3), "the next sequence expected, the speaker's window measure");
        assertEquals(0, member.received(4), "nothing of a round not begun");
        assertEquals(10, member.counted());

        member.onMessage(said(ChatScenarios.text(4, 0, 32)));
        assertEquals(1, member.snapshot(4).unique(), "a new round starts a new count");
        assertEquals(0, member.snapshot(3).unique(), "and the old one is over");
    }

    @Test
    void shouldAddUpEveryMembersDeliveriesOverTheSpanOfAll() {
        ChatScenarios.Member a = new ChatScenarios.Member(24);
        ChatScenarios.Member b = new ChatScenarios.Member(24);
        ChatScenarios.RoomDeliveries room = new ChatScenarios.RoomDeliveries(List.of(a, b));
        a.onMessage(said(ChatScenarios.text(1, 0, 24)));
        b.onMessage(said(ChatScenarios.text(1, 0, 24)));
        a.onMessage(said(ChatScenarios.text(1, 1, 24)));

        SequenceCounter.Snapshot s = room.snapshot(1);
        assertEquals(3, s.unique());
        assertEquals(a.snapshot(1).firstNanos(), s.firstNanos(), "the first delivery of all");
        assertEquals(Math.max(a.snapshot(1).lastNanos(), b.snapshot(1).lastNanos()), s.lastNanos());
        assertEquals(1, room.slowest(1), "b has one message, a two");
        assertEquals(3, room.counted());
    }

    @Test
    void shouldMeasureDeliveriesToEveryMemberWithoutLossAgainstTheBaseline() {
        Scenario baseline = Scenarios.standard().stream().filter(s -> s.id().equals("baseline.throughput.64"))
                .findFirst().orElseThrow();
        Scenario fanOut = ChatScenarios.fanOut(20, 64);
        List<Result> results = new BenchRunner(TINY, line -> { }).run(List.of(baseline, fanOut));

        Result r = results.get(1);
        assertNull(r.failure(), () -> "fan-out failed: " + r.failure());
        assertEquals(20, r.scenario().receivers());
        assertTrue(r.messagesPerSecond().min() > 0, r::toString);
        assertEquals(0.0, r.lossRatio(), "every member receives every message after the drain");
        assertNotNull(r.openMillis(), r::toString);
        assertEquals(r.messagesPerSecond().median() / results.get(0).messagesPerSecond().median(),
                r.ratioToBaseline(), 1e-9, "deliveries per second over the baseline's datagrams per second");
    }

    @Test
    void shouldMeasureSignedDeliveriesAgainstTheUnsignedRowOfTheSameRun() {
        Scenario baseline = Scenarios.standard().stream().filter(s -> s.id().equals("baseline.throughput.64"))
                .findFirst().orElseThrow();
        Scenario plain = ChatScenarios.fanOut(5, 64);
        Scenario signed = ChatScenarios.signedFanOut(5, 64);
        List<Result> results = new BenchRunner(TINY, line -> { }).run(List.of(baseline, plain, signed));

        Result r = results.get(2);
        assertNull(r.failure(), () -> "signed fan-out failed: " + r.failure());
        assertEquals("udpkit chat, fan-out to 5, signed", r.scenario().mode());
        assertEquals("udpkit-chat-fanout-signed.throughput.64", r.scenario().id());
        assertEquals(Optional.of("udpkit-chat-fanout.throughput.64"), r.scenario().referenceId());
        assertTrue(r.messagesPerSecond().min() > 0, r::toString);
        assertEquals(0.0, r.lossRatio(), "every member verified and counted every message after the drain");
        assertTrue(Scenarios.standard().stream().anyMatch(s -> s.id().equals("udpkit-chat-fanout-signed.throughput.64")
                && s.receivers() == 1_000), "the signed row stands beside the unsigned one");
    }

    @Test
    void shouldStandInTheCatalogueWithAThousandMembersAt64Bytes() {
        Scenario s = Scenarios.standard().stream().filter(x -> x.key().equals(ChatScenarios.KEY)).findFirst()
                .orElseThrow();
        assertEquals("udpkit-chat-fanout.throughput.64", s.id());
        assertEquals(1_000, s.receivers());
        assertTrue(s.isFanOut() && s.isLossless(), s::toString);
        assertEquals(1_001, ChatScenarios.serverConfig(1_000).maxMembersPerRoom(), "the members and the speaker");
        assertTrue(Scenarios.notes().stream().anyMatch(n -> n.startsWith("'" + s.mode() + "'")
                && n.contains("member deliveries")), Scenarios.notes()::toString);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ChatScenarios.fanOut(10, 20));
        assertTrue(e.getMessage().contains("payloadBytes must be in 24..500: 20"), e.getMessage());
    }

    @Test
    void shouldCloseEverythingItOpenedWhenAMemberCannotJoin() {
        Set<Thread> before = new HashSet<>(Thread.getAllStackTraces().keySet());
        ChatServerConfig tooSmall = ChatServerConfig.builder().maxMembersPerRoom(5).build();

        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> ChatScenarios.open(tooSmall, 8, 64).close());
        assertTrue(e.getMessage().contains("could not join: join refused") && e.getMessage().contains("ROOM_FULL"),
                e.getMessage());

        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (!before.contains(t) && t.getName().startsWith("udpkit-")) {
                try {
                    t.join(TimeUnit.SECONDS.toMillis(5)); // a timer thread ends just after its shutdownNow()
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                }
                assertFalse(t.isAlive(), () -> t.getName() + " outlived the failed opening");
            }
        }
    }
}
