package io.github.udpkit.chat;

import static io.github.udpkit.chat.RecordingSink.address;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.udpkit.core.security.AddressFilter;
import io.github.udpkit.core.security.Identity;
import io.github.udpkit.core.security.SignatureVerifier;
import io.github.udpkit.core.security.TrustStore;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Plain members, the seeds' Python chat clients, in the sans-I/O core under virtual time: named by
 * address until {@code /nick}, their lines said to the room with names and the server's time, the
 * room sent to them as lines, bounded, rate-limited, timed out, and accepted only from the allowed
 * sources.
 */
class PlainMembersTest {

    /** 2023-11-14T22:13:20Z: lines show 22:13:20 in UTC. */
    private static final long T0 = 1_700_000_000_000L;
    private static final InetSocketAddress PY1 = address(1);
    private static final InetSocketAddress PY2 = address(2);
    private static final InetSocketAddress FRAMED = address(3);

    private final RecordingSink out = new RecordingSink();

    private static ChatServerCore core(ChatServerConfig.Builder b) {
        return new ChatServerCore(b.plainTimeZone(ZoneOffset.UTC).build());
    }

    private static ChatServerCore core() {
        return core(ChatServerConfig.builder().plainMembers(10));
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void shouldMakeThePlainSenderAMemberAndSayItsLineToTheRoom() {
        ChatServerCore core = core();
        core.onFrame(FRAMED, new ChatFrame.Join("carol", ""), T0, out);
        out.take();

        core.onPlainDatagram(PY1, utf8("hello from python"), T0 + 1000, out);
        assertTrue(core.isPlainMember(PY1));
        assertEquals(List.of("carol", "127.0.0.1:10001"), core.membersOf("lobby"));
        assertEquals(List.of("10001 * joined lobby as 127.0.0.1:10001 (2 members: carol, 127.0.0.1:10001); "
                + "/nick NAME renames you"), out.takeLines());
        assertEquals(List.of(new ChatFrame.MemberJoined("lobby", "127.0.0.1:10001"),
                new ChatFrame.Message("lobby", "127.0.0.1:10001", T0 + 1000, "hello from python", false)),
                out.to(FRAMED), "framed members see it as a member, its line stamped with the server's time");
        out.take();

        core.onFrame(FRAMED, new ChatFrame.Say("hi python"), T0 + 2000, out);
        assertEquals(List.of("10001 [22:13:22] carol: hi python"), out.takeLines());
        assertEquals(List.of(), out.take(), "nothing framed goes to a plain member");
    }

    @Test
    void shouldRefuseAPlainMemberTheNameOfASignedMember() {
        ChatServerCore core = core();
        Identity alice = Identity.generate();
        ChatClientCore signed = new ChatClientCore("alice", "", new ChatListener() { }, alice,
                SignatureVerifier.of(TrustStore.trustOnFirstUse(10)));
        core.onFrame(FRAMED, signed.joinFrame(), T0, out);
        core.onFrame(FRAMED, new ChatFrame.Leave(), T0 + 1, out);
        out.take();

        core.onPlainDatagram(PY1, utf8("/nick alice"), T0 + 1000, out);
        List<String> lines = out.takeLines();
        assertTrue(lines.stream().anyMatch(l -> l.contains("belongs to key " + alice.fingerprint())), lines.toString());
        assertEquals(List.of("127.0.0.1:10001"), core.membersOf("lobby"),
                "a name bound to a key stays bound after its member left; a plain member has no key");
        assertEquals(1, core.stats().signatureRefusals());
    }

    @Test
    void shouldRelayBetweenPlainMembersWithNamesAfterNick() {
        ChatServerCore core = core();
        core.onPlainDatagram(PY1, utf8("/nick alice"), T0, out);
        core.onPlainDatagram(PY2, utf8("/nick bob\n"), T0, out);
        out.takeLines();
        assertEquals(List.of("alice", "bob"), core.membersOf("lobby"));

        core.onPlainDatagram(PY1, utf8("안녕, bob"), T0 + 5000, out);
        assertEquals(List.of("10002 [22:13:25] alice: 안녕, bob"), out.takeLines(), "never echoed to its sender");
        core.onPlainDatagram(PY2, utf8("/who"), T0 + 6000, out);
        assertEquals(List.of("10002 * 2 members in lobby: alice, bob"), out.takeLines());
        core.onPlainDatagram(PY2, utf8("/quit"), T0 + 7000, out);
        assertEquals(List.of("10001 * bob left"), out.takeLines());
        assertFalse(core.isMember(PY2));
    }

    @Test
    void shouldAnnounceARenameToFramedMembersAsLeaveAndJoin() {
        ChatServerCore core = core();
        core.onFrame(FRAMED, new ChatFrame.Join("carol", ""), T0, out);
        core.onPlainDatagram(PY1, utf8("hi"), T0, out);
        out.take();
        out.takeLines();
        core.onPlainDatagram(PY1, utf8("/nick Dave"), T0 + 1, out);
        assertEquals(List.of(new ChatFrame.MemberLeft("lobby", "127.0.0.1:10001", LeaveReason.LEFT),
                new ChatFrame.MemberJoined("lobby", "Dave")), out.to(FRAMED));
        assertEquals(1, out.takeLines().size(), "the renamed member hears its new name");
        core.onPlainDatagram(PY2, utf8("/nick carol"), T0 + 2, out);
        List<String> lines = out.takeLines();
        assertTrue(lines.get(lines.size() - 1).startsWith("10002 ! the name carol is taken"), lines.toString());
        core.onPlainDatagram(PY2, utf8("/nick bad\u202Ename"), T0 + 3, out);
        lines = out.takeLines();
        assertTrue(lines.get(0).startsWith("10002 ! the name holds"), lines.toString());
    }

    @Test
    void shouldIgnorePlainTextFromSourcesOutsideTheAllowedRanges() throws Exception {
        InetSocketAddress outside = new InetSocketAddress(InetAddress.getByName("203.0.113.9"), 5000);
        InetSocketAddress denied = new InetSocketAddress(InetAddress.getByName("127.0.0.2"), 5000);
        ChatServerCore core = core(ChatServerConfig.builder().plainMembers(10)
                .plainSources(AddressFilter.builder().allow("127.0.0.0/8").deny("127.0.0.2/32").build()));
        core.onPlainDatagram(outside, utf8("hello"), T0, out);
        core.onPlainDatagram(denied, utf8("hello"), T0, out);
        assertFalse(core.isMember(outside));
        assertFalse(core.isMember(denied));
        assertEquals(List.of(), out.takeLines(), "nothing is ever sent to a source that is not allowed");
        assertEquals(2, core.stats().plainIgnored());

        ChatServerCore defaults = core(ChatServerConfig.builder().plainMembers(10));
        defaults.onPlainDatagram(outside, utf8("hello"), T0, out);
        assertFalse(defaults.isMember(outside), "the default accepts loopback and private ranges only");
        defaults.onPlainDatagram(new InetSocketAddress(InetAddress.getByName("192.168.1.20"), 5000), utf8("hi"), T0, out);
        assertEquals(1, defaults.stats().plainMembers());
    }

    @Test
    void shouldIgnorePlainTextWhenPlainMembersAreOffAndBytesThatAreNotText() {
        ChatServerCore off = new ChatServerCore(ChatServerConfig.defaults());
        off.onPlainDatagram(PY1, utf8("hello"), T0, out);
        assertFalse(off.isMember(PY1));
        ChatServerCore core = core();
        core.onPlainDatagram(PY1, new byte[] {(byte) 0xC3, 0x28}, T0, out);
        assertFalse(core.isMember(PY1));
        assertEquals(1, core.stats().plainIgnored());
        assertEquals(List.of(), out.takeLines());
    }

    @Test
    void shouldBoundPlainMembers() {
        ChatServerCore core = core(ChatServerConfig.builder().plainMembers(2));
        core.onPlainDatagram(address(1), utf8("a"), T0, out);
        core.onPlainDatagram(address(2), utf8("b"), T0, out);
        out.takeLines();
        core.onPlainDatagram(address(4), utf8("c"), T0, out);
        assertFalse(core.isMember(address(4)));
        assertEquals(List.of("10004 ! " + ChatReason.SERVER_FULL.standardText()), out.takeLines());
        assertEquals(2, core.stats().plainMembers());
    }

    @Test
    void shouldRateLimitPlainMembersWithOneNoticePerRun() {
        ChatServerCore core = core(ChatServerConfig.builder().plainMembers(10).rateLimit(3, Duration.ofSeconds(1)));
        core.onPlainDatagram(PY2, utf8("/nick listener"), T0, out);
        for (int i = 0; i < 10; i++) {
            core.onPlainDatagram(PY1, utf8("line " + i), T0, out);
        }
        List<String> lines = out.takeLines();
        long relayed = lines.stream().filter(l -> l.startsWith("10002 [")).count();
        assertEquals(3, relayed, lines.toString());
        assertEquals(1, lines.stream().filter(l -> l.startsWith("10001 ! rate limited")).count(), lines.toString());
        assertEquals(7, core.stats().rateLimited());
        core.onPlainDatagram(PY1, utf8("later"), T0 + 1000, out);
        assertTrue(out.takeLines().contains("10002 [22:13:21] 127.0.0.1:10001: later"));
    }

    @Test
    void shouldDropSilentPlainMembersAfterTheirIdleTimeout() {
        ChatServerCore core = core(ChatServerConfig.builder().plainMembers(10).plainIdleTimeout(Duration.ofMinutes(2)));
        core.onFrame(FRAMED, new ChatFrame.Join("carol", ""), T0, out);
        core.onPlainDatagram(PY1, utf8("hi"), T0, out);
        out.take();
        out.takeLines();
        core.onFrame(FRAMED, new ChatFrame.Ping(), T0 + 100_000, out);
        assertEquals(T0 + 120_000, core.nextDeadline(), "the plain member times out first");
        core.tick(T0 + 119_999, out);
        assertTrue(core.isMember(PY1));
        core.onFrame(FRAMED, new ChatFrame.Ping(), T0 + 119_999, out);
        core.tick(T0 + 120_000, out);
        assertFalse(core.isMember(PY1));
        assertEquals(List.of("10001 * disconnected: " + LeaveReason.TIMED_OUT.describe()), out.takeLines());
        assertEquals(List.of(new ChatFrame.MemberLeft("lobby", "127.0.0.1:10001", LeaveReason.TIMED_OUT)),
                out.to(FRAMED));
        assertTrue(core.isMember(FRAMED));
    }

    @Test
    void shouldKeepFramedAndPlainTrafficOfOneAddressApart() {
        ChatServerCore core = core();
        core.onFrame(FRAMED, new ChatFrame.Join("carol", ""), T0, out);
        core.onPlainDatagram(FRAMED, utf8("plain from a framed member"), T0, out);
        assertFalse(core.isPlainMember(FRAMED));
        core.onPlainDatagram(PY1, utf8("hi"), T0, out);
        out.take();
        core.onFrame(PY1, new ChatFrame.Join("mallory", ""), T0, out);
        assertEquals("127.0.0.1:10001", core.nameOf(PY1).orElseThrow(), "a plain member stays one");
        assertEquals(List.of(), out.take());
    }

    @Test
    void shouldRenderEveryFrameAPlainMemberCanGet() {
        ChatLines lines = new ChatLines(ZoneOffset.UTC);
        assertEquals("[22:13:20] bob (private): psst",
                lines.plain(new ChatFrame.Message("lobby", "bob", T0, "psst", true)).orElseThrow());
        assertEquals("* bob left (timed out)",
                lines.plain(new ChatFrame.MemberLeft("lobby", "bob", LeaveReason.TIMED_OUT)).orElseThrow()
                        .replace(LeaveReason.TIMED_OUT.describe(), "timed out"));
        assertEquals("! " + ChatReason.NAME_TAKEN.standardText(),
                lines.plain(new ChatFrame.Rejected(ChatReason.NAME_TAKEN, "")).orElseThrow());
        assertTrue(lines.plain(new ChatFrame.Ping()).isEmpty());
        assertThrows(IllegalArgumentException.class, () -> ChatServerConfig.builder().plainMembers(-1));
    }
}
