package io.github.udpkit.chat;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.common.io.BaseEncoding;
import io.github.udpkit.core.security.Ed25519;
import io.github.udpkit.core.security.Identity;
import io.github.udpkit.core.security.Signer;
import io.github.udpkit.api.CodecException;
import java.nio.ByteBuffer;
import java.util.Collections;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Arbitrary;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Byte-level vectors (the ones docs/PROTOCOL.md shows) and the strictness of decoding. */
class ChatCodecTest {

    private final ChatCodec codec = new ChatCodec();

    private static byte[] hex(String s) {
        return BaseEncoding.base16().decode(s.replace(" ", "").toUpperCase());
    }

    private void assertVector(ChatFrame frame, String expectedHex) {
        byte[] expected = hex(expectedHex);
        assertArrayEquals(expected, codec.encode(frame), "encoding of " + frame);
        assertEquals(frame, codec.decode(expected), "decoding of " + expectedHex);
        assertEquals(expected.length, ChatCodec.encodedSize(frame));
    }

    @Test
    void shouldMatchTheProtocolDocumentsVectors() {
        assertVector(new ChatFrame.Join("alice", "lobby"), "01 01 05 616c696365 05 6c6f626279");
        assertVector(new ChatFrame.Join("bob", ""), "01 01 03 626f62 00");
        assertVector(new ChatFrame.Say("hi"), "01 02 0002 6869");
        assertVector(new ChatFrame.Private("bob", "psst"), "01 03 03 626f62 0004 70737374");
        assertVector(new ChatFrame.Who(), "01 04");
        assertVector(new ChatFrame.Leave(), "01 05");
        assertVector(new ChatFrame.SwitchRoom("dev"), "01 06 03 646576");
        assertVector(new ChatFrame.Ping(), "01 07");
        assertVector(new ChatFrame.Joined("lobby", "bob", 30_000, 10, 200, List.of("alice", "bob"),
                        List.of(new ChatFrame.HistoryEntry("alice", 1_700_000_000_000L, "hi"))),
                "01 41 05 6c6f626279 03 626f62 00007530 000a 000000c8"
                        + " 0002 05 616c696365 03 626f62"
                        + " 01 05 616c696365 0000018bcfe56800 0002 6869");
        assertVector(new ChatFrame.Rejected(ChatReason.NAME_TAKEN, ""), "01 42 04 0000");
        assertVector(new ChatFrame.Message("lobby", "alice", 1_700_000_000_000L, "hi", false),
                "01 43 00 05 6c6f626279 05 616c696365 0000018bcfe56800 0002 6869");
        assertVector(new ChatFrame.Message("lobby", "alice", 1_700_000_000_000L, "é", true),
                "01 43 01 05 6c6f626279 05 616c696365 0000018bcfe56800 0002 c3a9");
        assertVector(new ChatFrame.Members("lobby", List.of("alice")), "01 44 05 6c6f626279 0001 05 616c696365");
        assertVector(new ChatFrame.MemberJoined("lobby", "bob"), "01 45 05 6c6f626279 03 626f62");
        assertVector(new ChatFrame.MemberLeft("lobby", "bob", LeaveReason.TIMED_OUT), "01 46 05 6c6f626279 03 626f62 03");
        assertVector(new ChatFrame.Notice(ChatReason.RATE_LIMITED, "slow"), "01 47 0f 0004 736c6f77");
        assertVector(new ChatFrame.Bye(LeaveReason.SERVER_CLOSED), "01 48 06");
    }

    /** RFC 8032 test 1's key, signing as alice from sequence 1, as docs/PROTOCOL.md 13.6 shows. */
    private static final String KEY = " d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a";
    private static final String SAY_SIGNATURE = KEY + " 0000000000000002"
            + " c57228a44764692ffe5ca1097948158220519ed53eafbe49a456b6897dd567c5"
            + "a450bbb5fc02eb067e9718795d26615e43478ee125b65f2464f9c08d55e71202";

    @Test
    void shouldMatchTheProtocolDocumentsSignedVectors() {
        Identity alice = Identity.fromSeed(hex("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60"),
                Ed25519.jdk());
        Signer signer = Signer.of(alice, "alice", 1);
        ChatSignature join = ChatSignature.join(signer, "lobby");
        ChatSignature say = ChatSignature.say(signer, "lobby", "hi");
        ChatSignature whisper = ChatSignature.whisper(signer, "lobby", "bob", "psst");
        assertVector(new ChatFrame.Join("alice", "lobby", join), "01 08 05 616c696365 05 6c6f626279" + KEY
                + " 0000000000000001 51c9d06c79535bf2cc4857ca625ce14cca2c16e3e2c77b62c5155b8bd5e19034"
                + "a8e6bd1bcd26d9cca84750f0125ac5c5cbf6029b124c50421fa4408aa775010b");
        assertVector(new ChatFrame.Say("hi", say), "01 09 0002 6869" + SAY_SIGNATURE);
        assertVector(new ChatFrame.Private("bob", "psst", whisper), "01 0a 03 626f62 0004 70737374" + KEY
                + " 0000000000000003 1456623392884f68d03296c090b1811eb4df84f340f8afe77d31322559af476c"
                + "81a7759ad12fff5d962e51aefa40348213151f69489bb5821cc6f955543a9b03");
        assertVector(new ChatFrame.Message("lobby", "alice", 1_700_000_000_000L, "hi", false, say),
                "01 43 02 05 6c6f626279 05 616c696365 0000018bcfe56800 0002 6869" + SAY_SIGNATURE);
        assertVector(new ChatFrame.Joined("lobby", "bob", 30_000, 10, 200, List.of("alice", "bob"),
                        List.of(new ChatFrame.HistoryEntry("alice", 1_700_000_000_000L, "hi", say))),
                "01 4a 05 6c6f626279 03 626f62 00007530 000a 000000c8 0002 05 616c696365 03 626f62"
                        + " 01 02 05 616c696365 0000018bcfe56800 0002 6869" + SAY_SIGNATURE);
    }

    @Test
    void shouldNumberReasonsAsTheProtocolDocumentSays() {
        int code = 1;
        for (ChatReason r : ChatReason.values()) {
            assertEquals(code++, r.code(), r.name());
            assertEquals(r, ChatReason.ofCode(r.code()));
        }
        code = 1;
        for (LeaveReason r : LeaveReason.values()) {
            assertEquals(code++, r.code(), r.name());
            assertEquals(r, LeaveReason.ofCode(r.code()));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "",                                 // empty
        "01",                               // no type
        "02 04",                            // a future version
        "00 04",                            // version 0
        "01 00",                            // type 0
        "01 0b",                            // unknown client type
        "01 40",                            // unknown server type
        "01 04 00",                         // a byte after WHO
        "01 01 05 616c69",                  // name longer than the bytes left
        "01 01 05 616c696365",              // no room
        "01 02 0003 6869",                  // text longer than the bytes left
        "01 02 1001",                       // text length 4097, over the format's bound
        "01 02 0001 ff",                    // not UTF-8
        "01 02 0002 c0af",                  // overlong UTF-8 for '/'
        "01 02 0003 eda080",                // an encoded surrogate (CESU-8)
        "01 43 04 00 00 0000000000000000 0000", // unknown MESSAGE flag
        "01 43 00 00 00 8000000000000000 0000", // negative time
        "01 42 00 0000",                    // reason code 0
        "01 42 13 0000",                    // reason code 19, unknown
        "01 46 00 00 00",                   // leave reason 0
        "01 48 07",                         // leave reason 7, unknown
        "01 44 00 ffff 00",                 // 65,535 names claimed, one byte left
        "01 41 00 00 00000000 0001 00000001 0000 00",  // idle timeout 0
        "01 41 00 00 00000001 0000 00000001 0000 00",  // burst 0
        "01 41 00 00 00000001 0001 00000000 0000 00",  // refill 0
        "01 41 00 00 00000001 0001 00000001 0000 ff",  // 255 history lines claimed, none there
        "01 4a 00 00 00000001 0001 00000001 0000 01 00 00 0000000000000000 0000",  // SIGNED_JOINED, no signed line
        "01 4a 00 00 00000001 0001 00000001 0000 01 04 00 0000000000000000 0000",  // unknown history flag
        "01 09 0002 6869 d75a",             // SIGNED_SAY with a truncated signature
    })
    void shouldRejectMalformedFramesWithCodecException(String bytes) {
        assertThrows(CodecException.class, () -> codec.decode(hex(bytes)));
    }

    @Test
    void shouldDecodeOnlyFromPositionToLimit() {
        byte[] bytes = hex("ff 01 04 ff");
        ByteBuffer buffer = ByteBuffer.wrap(bytes, 1, 2);
        assertEquals(new ChatFrame.Who(), codec.decode(buffer));
        assertEquals(3, buffer.position());
    }

    @Test
    void shouldRefuseToEncodeFieldsOverTheFormatsBounds() {
        String longName = "n".repeat(ChatCodec.MAX_NAME_BYTES + 1);
        String longText = "t".repeat(ChatCodec.MAX_TEXT_BYTES + 1);
        assertThrows(CodecException.class, () -> codec.encode(new ChatFrame.Join(longName, "")));
        assertThrows(CodecException.class, () -> codec.encode(new ChatFrame.Say(longText)));
        assertThrows(CodecException.class, () -> codec.encode(new ChatFrame.Say("lone \uD800 surrogate")));
        assertThrows(CodecException.class, () -> codec.encode(
                new ChatFrame.Members("r", Collections.nCopies(ChatCodec.MAX_MEMBERS + 1, "x"))));
        assertThrows(CodecException.class, () -> codec.encode(new ChatFrame.Joined("r", "n", 1L << 32, 1, 1,
                List.of(), List.of())));
        // The byte limits count UTF-8 bytes, not chars: 64 four-byte emoji are 256 bytes.
        assertThrows(CodecException.class, () -> codec.encode(new ChatFrame.Join("\uD83D\uDE00".repeat(64), "")));
        assertEquals(2 + 1 + 252 + 1, ChatCodec.encodedSize(new ChatFrame.Join("\uD83D\uDE00".repeat(63), "")));
    }

    @Test
    void shouldEncodeOneFrameInstanceOnceForAFanOut() {
        ChatFrame m = new ChatFrame.Message("lobby", "alice", 1, "hi", false);
        byte[] first = codec.encode(m);
        assertSame(first, codec.encode(m), "the same instance again reuses the bytes");
        ChatFrame equal = new ChatFrame.Message("lobby", "alice", 1, "hi", false);
        byte[] other = codec.encode(equal);
        assertArrayEquals(first, other);
        assertTrue(first != other, "a different instance is encoded afresh");
    }

    @Provide
    Arbitrary<ChatFrame> frames() {
        return ChatArbitraries.frames();
    }

    @Property(tries = 300)
    void shouldPredictTheEncodedSize(@ForAll("frames") ChatFrame frame) {
        assertEquals(codec.encode(frame).length, ChatCodec.encodedSize(frame));
    }

    @Property(tries = 300)
    void shouldRejectEveryTruncation(@ForAll("frames") ChatFrame frame) {
        // Strictness: no proper prefix of a frame is itself a frame.
        byte[] bytes = codec.encode(frame);
        for (int n = 0; n < bytes.length; n += Math.max(1, bytes.length / 16)) {
            int len = n;
            assertThrows(CodecException.class, () -> codec.decode(ByteBuffer.wrap(bytes, 0, len)),
                    "prefix of " + len + " of " + bytes.length + " bytes");
        }
    }
}
