package io.github.udpkit.chat;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;

/** Generators of chat frames and their fields for the property tests. */
final class ChatArbitraries {

    private ChatArbitraries() {
    }

    /** Any string UTF-8 can carry, including supplementary code points, up to {@code maxCodePoints}. */
    static Arbitrary<String> strings(int maxCodePoints) {
        Arbitrary<Integer> bmp = Arbitraries.integers().between(0, 0xFFFF)
                .filter(cp -> cp < Character.MIN_SURROGATE || cp > Character.MAX_SURROGATE);
        Arbitrary<Integer> astral = Arbitraries.integers().between(0x10000, Character.MAX_CODE_POINT);
        Arbitrary<Integer> ascii = Arbitraries.integers().between(0x20, 0x7E);
        return Arbitraries.frequencyOf(
                        net.jqwik.api.Tuple.of(5, ascii), net.jqwik.api.Tuple.of(3, bmp), net.jqwik.api.Tuple.of(1, astral))
                .list().ofMaxSize(maxCodePoints)
                .map(cps -> {
                    StringBuilder sb = new StringBuilder();
                    cps.forEach(sb::appendCodePoint);
                    return sb.toString();
                });
    }

    /** Names and rooms: at most 63 code points, so at most 252 bytes of UTF-8, within the format's 255. */
    static Arbitrary<String> names() {
        return strings(63);
    }

    /** Texts: at most 1,024 code points, so at most 4,096 bytes. */
    static Arbitrary<String> texts() {
        return strings(1024);
    }

    static Arbitrary<Long> times() {
        return Arbitraries.longs().between(0, Long.MAX_VALUE);
    }

    static Arbitrary<ChatFrame> frames() {
        Arbitrary<ChatFrame.HistoryEntry> entry = Combinators.combine(names(), times(), strings(100))
                .as(ChatFrame.HistoryEntry::new);
        Arbitrary<ChatFrame> joined = Combinators.combine(names(), names(),
                        Arbitraries.longs().between(1, 0xFFFF_FFFFL), Arbitraries.integers().between(1, 0xFFFF),
                        Arbitraries.longs().between(1, 0xFFFF_FFFFL), names().list().ofMaxSize(30),
                        entry.list().ofMaxSize(10))
                .as(ChatFrame.Joined::new);
        return Arbitraries.oneOf(
                Combinators.combine(names(), names()).as(ChatFrame.Join::new),
                texts().map(ChatFrame.Say::new),
                Combinators.combine(names(), texts()).as(ChatFrame.Private::new),
                Arbitraries.just(new ChatFrame.Who()),
                Arbitraries.just(new ChatFrame.Leave()),
                names().map(ChatFrame.SwitchRoom::new),
                Arbitraries.just(new ChatFrame.Ping()),
                joined,
                Combinators.combine(Arbitraries.of(ChatReason.class), texts()).as(ChatFrame.Rejected::new),
                Combinators.combine(names(), names(), times(), texts(), Arbitraries.of(true, false))
                        .as(ChatFrame.Message::new),
                Combinators.combine(names(), names().list().ofMaxSize(50)).as(ChatFrame.Members::new),
                Combinators.combine(names(), names()).as(ChatFrame.MemberJoined::new),
                Combinators.combine(names(), names(), Arbitraries.of(LeaveReason.class)).as(ChatFrame.MemberLeft::new),
                Combinators.combine(Arbitraries.of(ChatReason.class), texts()).as(ChatFrame.Notice::new),
                Arbitraries.of(LeaveReason.class).map(ChatFrame.Bye::new));
    }
}
