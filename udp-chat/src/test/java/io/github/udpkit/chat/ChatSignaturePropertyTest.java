package io.github.udpkit.chat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.udpkit.api.CodecException;
import io.github.udpkit.core.security.Identity;
import io.github.udpkit.core.security.Signer;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.AlphaChars;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.StringLength;

/**
 * The contract of a relayed signed message: whatever byte of an encoded signed MESSAGE a server
 * changes, no client shows it (the codec refuses it, or the client's checks do). The one field a
 * server may set is its own time stamp, which is not the author's to sign.
 */
class ChatSignaturePropertyTest {

    private static final Identity ALICE = Identity.generate();
    private static final int TIME_BYTES = 8;

    @Property(tries = 300)
    void anyChangedByteOfASignedMessageIsNeverShown(@ForAll @AlphaChars @StringLength(min = 1, max = 40) String text,
                                                    @ForAll @IntRange(min = 0, max = 10_000) int position,
                                                    @ForAll @IntRange(min = 1, max = 255) int flip) {
        ChatCodec codec = new ChatCodec();
        ChatFrame.Say say = new ChatFrame.Say(text, ChatSignature.say(Signer.of(ALICE, "alice", 7), "lobby", text));
        ChatFrame.Message relayed = new ChatFrame.Message("lobby", "alice", 1_700_000_000_000L, text, false,
                say.signature());
        byte[] bytes = codec.encode(relayed);
        // version, type, flags, room (1 + 5), name (1 + 5): the time follows
        int timeAt = 3 + 6 + 6;
        int at = position % (bytes.length - TIME_BYTES);
        if (at >= timeAt) {
            at += TIME_BYTES;
        }
        byte[] altered = bytes.clone();
        altered[at] ^= (byte) flip;

        List<ChatMessage> shown = new ArrayList<>();
        ChatClientCore bob = new ChatClientCore("bob", "lobby", new ChatListener() {
            @Override
            public void onMessage(ChatMessage m) {
                shown.add(m);
            }
        });
        ChatFrame decoded;
        try {
            decoded = codec.decode(altered);
        } catch (CodecException refusedByTheCodec) {
            return;
        }
        bob.onFrame(decoded);
        if (decoded instanceof ChatFrame.Message m && !m.room().equals("lobby")
                && ChatText.fold(m.room()).equals("lobby") && m.text().equals(text)) {
            // The room's case changed: rooms are one room whatever their case (the signature covers
            // the folded name), so this is the same message, and may be shown as such.
            assertEquals(1, shown.size(), "the same room in another case is the same room");
            assertEquals(text, shown.get(0).text());
            return;
        }
        assertEquals(List.of(), shown, "byte " + at + " changed, yet shown");
        assertTrue(bob.refusedMessages() + bob.invalidFrames() == 1, "counted as refused or invalid");
        bob.onFrame(codec.decode(bytes));
        assertEquals(1, shown.size(), "the unchanged message is shown");
    }
}
