package io.github.udpkit.chat;

import static io.github.udpkit.chat.RecordingSink.address;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.udpkit.core.security.Identity;
import io.github.udpkit.core.security.PublicIdentity;
import io.github.udpkit.core.security.SignatureRejectedException;
import io.github.udpkit.core.security.SignatureVerifier;
import io.github.udpkit.core.security.TrustStore;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Signed chat, sans I/O: a server core and client cores wired by hand, so a test can play a server
 * or a member that forges, alters, replays or redirects. Each forgery is refused with its reason.
 */
class ChatSignaturesTest {

    private static final long T0 = 1_700_000_000_000L;
    private static final Identity ALICE = Identity.generate();
    private static final Identity BOB = Identity.generate();
    private static final Identity MALLORY = Identity.generate();

    private final ChatServerCore server = new ChatServerCore(ChatServerConfig.defaults());
    private final RecordingSink out = new RecordingSink();
    private final Map<InetSocketAddress, Member> members = new HashMap<>();
    private long now = T0;

    /** A client core and what it told its listener. */
    private static final class Member implements ChatListener {
        final List<String> events = new ArrayList<>();
        ChatClientCore core;

        @Override
        public void onMessage(ChatMessage m) {
            events.add((m.isPrivate() ? "private " : "message ") + m.sender() + ": " + m.text()
                    + (m.isSigned() ? " [" + m.signer().fingerprint() + "]" : " [unsigned]"));
        }

        @Override
        public void onJoined(ChatJoined j) {
            List<String> lines = new ArrayList<>();
            j.history().forEach(m -> lines.add(m.sender() + ": " + m.text() + (m.isSigned() ? " [signed]" : "")));
            events.add("joined " + j.room() + " history " + lines);
        }

        @Override
        public void onJoinRejected(ChatNotice rejection) {
            events.add("rejected " + rejection.reason());
        }

        @Override
        public void onNotice(ChatNotice notice) {
            events.add("notice " + notice.reason());
        }

        @Override
        public void onNewKey(String name, PublicIdentity key) {
            events.add("new key " + name + " " + key.fingerprint());
        }

        @Override
        public void onKeyChanged(String name, PublicIdentity known, PublicIdentity presented) {
            events.add("KEY CHANGED " + name + " " + known.fingerprint() + " -> " + presented.fingerprint());
        }

        @Override
        public void onMessageRefused(String sender, SignatureRejectedException.Reason reason, String detail) {
            events.add("refused " + sender + " " + reason);
        }

        List<String> take() {
            List<String> all = List.copyOf(events);
            events.clear();
            return all;
        }
    }

    private Member connect(int n, String name, String room, Identity identity) {
        Member m = new Member();
        m.core = new ChatClientCore(name, room, m, identity,
                SignatureVerifier.of(TrustStore.trustOnFirstUse(100)));
        InetSocketAddress a = address(n);
        members.put(a, m);
        fromClient(a, m.core.joinFrame());
        return m;
    }

    private void fromClient(InetSocketAddress from, ChatFrame frame) {
        server.onFrame(from, frame, now++, out);
        deliver();
    }

    /** Hands what the server sent to each client, as an honest network would. */
    private void deliver() {
        for (RecordingSink.Sent s : out.take()) {
            Member m = members.get(s.to());
            if (m != null) {
                m.core.onFrame(s.frame());
            }
        }
    }

    /** The server's frames, taken without delivering them: for a test playing a malicious server. */
    private List<RecordingSink.Sent> intercept(InetSocketAddress from, ChatFrame frame) {
        server.onFrame(from, frame, now++, out);
        return out.take();
    }

    /** Bob joins the lobby after Alice (address 1), as address 2; what he heard so far is dropped. */
    private Member bobJoinsAlice() {
        Member bob = connect(2, "bob", "lobby", BOB);
        bob.take();
        return bob;
    }

    /** What the server relays to Bob (address 2) of a frame from Alice (address 1), not delivered. */
    private ChatFrame.Message relayedToBob(ChatFrame fromAlice) {
        return messageTo(intercept(address(1), fromAlice), address(2));
    }

    private static ChatFrame.Message messageTo(List<RecordingSink.Sent> sent, InetSocketAddress to) {
        for (RecordingSink.Sent s : sent) {
            if (s.to().equals(to) && s.frame() instanceof ChatFrame.Message m) {
                return m;
            }
        }
        throw new AssertionError("no message to " + to + " in " + sent);
    }

    @Test
    void shouldVerifySignedMessagesAndShowUnsignedOnesAsUnsigned() {
        Member alice = connect(1, "alice", "lobby", ALICE);
        Member bob = connect(2, "bob", "lobby", BOB);
        Member carol = connect(3, "carol", "lobby", null);
        alice.take();
        bob.take();
        carol.take();
        fromClient(address(1), alice.core.sayFrame("hi"));
        assertEquals(List.of("new key alice " + ALICE.fingerprint(), "message alice: hi [" + ALICE.fingerprint() + "]"),
                bob.take());
        assertEquals(List.of("new key alice " + ALICE.fingerprint(), "message alice: hi [" + ALICE.fingerprint() + "]"),
                carol.take());
        fromClient(address(1), alice.core.sayFrame("again"));
        assertEquals(List.of("message alice: again [" + ALICE.fingerprint() + "]"), bob.take(), "the key is shown new once");
        fromClient(address(3), carol.core.sayFrame("me too"));
        assertEquals(List.of("message carol: me too [unsigned]"), bob.take());
        alice.take();
        fromClient(address(2), bob.core.privateFrame("alice", "psst"));
        assertEquals(List.of("new key bob " + BOB.fingerprint(), "private bob: psst [" + BOB.fingerprint() + "]"),
                alice.take());
        assertEquals(0, server.stats().signatureRefusals());
    }

    @Test
    void shouldRefuseAMessageWhoseTextTheServerRewrote() {
        Member alice = connect(1, "alice", "lobby", ALICE);
        Member bob = bobJoinsAlice();
        ChatFrame.Message genuine = relayedToBob(alice.core.sayFrame("pay bob 10"));
        ChatFrame.Message rewritten = new ChatFrame.Message(genuine.room(), genuine.from(), genuine.serverTimeMillis(),
                "pay mallory 10", false, genuine.signature());
        bob.core.onFrame(rewritten);
        assertEquals(List.of("refused alice BAD_SIGNATURE"), bob.take());
        bob.core.onFrame(genuine);
        assertEquals(List.of("new key alice " + ALICE.fingerprint(), "message alice: pay bob 10 [" + ALICE.fingerprint() + "]"),
                bob.take(), "the refusal taught the client nothing");
        assertEquals(1, bob.core.refusedMessages());
    }

    @Test
    void shouldRefuseAMemberJoiningUnderAnotherMembersNameWithItsOwnKey() {
        Member alice = connect(1, "alice", "lobby", ALICE);
        fromClient(address(1), new ChatFrame.Leave());
        assertTrue(!server.isMember(address(1)));
        // The name stays bound to Alice's key after she left, whatever the case or room.
        Member mallory = connect(9, "Alice", "dev", MALLORY);
        assertEquals(List.of("rejected NAME_BOUND"), mallory.take());
        Member plain = connect(8, "alice", "lobby", null);
        assertEquals(List.of("rejected NAME_BOUND"), plain.take(), "nor may a member without a key take it");
        Member back = connect(7, "alice", "lobby", ALICE);
        assertTrue(back.take().get(0).startsWith("joined lobby"), "Alice's own key takes it back");
        assertEquals(2, server.stats().signatureRefusals());
        assertTrue(alice.events.stream().noneMatch(e -> e.startsWith("rejected")));
    }

    @Test
    void shouldRefuseAReplayedSignedMessage() {
        Member alice = connect(1, "alice", "lobby", ALICE);
        Member bob = bobJoinsAlice();
        ChatFrame.Message m = relayedToBob(alice.core.sayFrame("once"));
        bob.core.onFrame(m);
        bob.take();
        bob.core.onFrame(m);
        assertEquals(List.of("refused alice REPLAYED"), bob.take());
        // A member replaying its own signed SAY to the server is refused there too.
        ChatFrame.Say say = alice.core.sayFrame("twice");
        fromClient(address(1), say);
        fromClient(address(1), say);
        assertEquals(List.of("notice SIGNATURE_REFUSED"), alice.take().stream()
                .filter(e -> e.startsWith("notice")).toList());
    }

    @Test
    void shouldRefuseASignatureMovedToAnotherRoom() {
        Member alice = connect(1, "alice", "lobby", ALICE);
        Member bob = bobJoinsAlice();
        ChatFrame.Message m = relayedToBob(alice.core.sayFrame("lobby only"));
        bob.core.onFrame(new ChatFrame.Message("dev", m.from(), m.serverTimeMillis(), m.text(), false, m.signature()));
        assertEquals(List.of("refused alice BAD_SIGNATURE"), bob.take());
        // A private message redirected to someone else is refused by its new recipient.
        Member carol = connect(3, "carol", "lobby", null);
        carol.take();
        ChatFrame.Message whisper = relayedToBob(alice.core.privateFrame("bob", "for bob"));
        carol.core.onFrame(whisper);
        assertEquals(List.of("refused alice BAD_SIGNATURE"), carol.take());
    }

    @Test
    void shouldWarnOnceAndRefuseWhenAKnownNameComesBackWithAnotherKey() {
        Member alice = connect(1, "alice", "lobby", ALICE);
        Member bob = bobJoinsAlice();
        fromClient(address(1), alice.core.sayFrame("hi"));
        bob.take();
        // A server (or a restarted one) relays messages from "alice" signed by Mallory's key.
        ChatClientCore impostor = new ChatClientCore("alice", "lobby", new Member(), MALLORY,
                SignatureVerifier.of(TrustStore.trustOnFirstUse(10)));
        for (String text : List.of("it's me", "really")) {
            ChatFrame.Say say = impostor.sayFrame(text);
            bob.core.onFrame(new ChatFrame.Message("lobby", "alice", now++, text, false, say.signature()));
        }
        assertEquals(List.of("KEY CHANGED alice " + ALICE.fingerprint() + " -> " + MALLORY.fingerprint()), bob.take());
        bob.core.onFrame(new ChatFrame.Message("lobby", "alice", now++, "unsigned now", false));
        assertEquals(List.of("refused alice CHANGED_KEY"), bob.take(), "nor may the name speak unsigned");
        assertEquals(3, bob.core.refusedMessages());
    }

    @Test
    void shouldVerifyHistoryAndDropAlteredLines() {
        Member alice = connect(1, "alice", "lobby", ALICE);
        fromClient(address(1), alice.core.sayFrame("first"));
        Member bob = connect(2, "bob", "lobby", BOB);
        assertEquals(List.of("new key alice " + ALICE.fingerprint(), "joined lobby history [alice: first [signed]]"),
                bob.take());
        List<RecordingSink.Sent> sent = intercept(address(3), new ChatClientCore("carol", "lobby", new Member())
                .joinFrame());
        ChatFrame.Joined joined = (ChatFrame.Joined) sent.stream().filter(s -> s.to().equals(address(3)))
                .map(RecordingSink.Sent::frame).filter(f -> f instanceof ChatFrame.Joined).findFirst().orElseThrow();
        ChatFrame.HistoryEntry line = joined.history().get(0);
        ChatFrame.Joined altered = new ChatFrame.Joined(joined.room(), joined.name(), joined.idleTimeoutMillis(),
                joined.rateBurst(), joined.rateRefillMillis(), joined.members(),
                List.of(new ChatFrame.HistoryEntry(line.from(), line.serverTimeMillis(), "second", line.signature())));
        Member carol = new Member();
        carol.core = new ChatClientCore("carol", "lobby", carol);
        carol.core.onFrame(altered);
        assertEquals(List.of("refused alice BAD_SIGNATURE", "joined lobby history []"), carol.take());
    }

    @Test
    void shouldRefuseForgedOrUnsignedMessagesFromAMemberWithAKey() {
        Member alice = connect(1, "alice", "lobby", ALICE);
        Member bob = connect(2, "bob", "lobby", BOB);
        alice.take();
        bob.take();
        fromClient(address(1), new ChatFrame.Say("unsigned"));
        ChatFrame.Say signed = alice.core.sayFrame("signed");
        fromClient(address(1), new ChatFrame.Say("altered", signed.signature()));
        ChatFrame.Say bobs = bob.core.sayFrame("bob's words");
        fromClient(address(1), new ChatFrame.Say("bob's words", bobs.signature()));
        assertEquals(List.of("notice SIGNATURE_REFUSED", "notice SIGNATURE_REFUSED", "notice SIGNATURE_REFUSED"),
                alice.take());
        assertEquals(List.of(), bob.take(), "nothing was relayed");
        assertEquals(3, server.stats().signatureRefusals());
        assertInstanceOf(ChatFrame.Say.class, signed);
    }
}
