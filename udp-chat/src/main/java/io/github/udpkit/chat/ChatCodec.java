package io.github.udpkit.chat;

import io.github.udpkit.api.Codec;
import io.github.udpkit.api.CodecException;
import io.github.udpkit.core.security.Ed25519;
import io.github.udpkit.core.security.PublicIdentity;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The chat protocol's wire format: turns {@link ChatFrame}s into bytes and back, strictly.
 *
 * <p>A frame is a version byte ({@value #VERSION}), a type byte, then the type's fields in a fixed
 * order: strings as a length and that many bytes of UTF-8 (one length byte for names and rooms, two
 * big-endian for message text), counts before lists, times as eight big-endian bytes of
 * milliseconds since the epoch. Decoding accepts exactly one encoding of each frame: every
 * length and count is checked against the format's bounds and against the bytes that remain
 * before anything is allocated, UTF-8 must be well formed, unused flag bits must be zero, codes
 * must be known, and nothing may follow the last field. Anything else is a {@link CodecException},
 * which an endpoint counts and drops.
 *
 * <p>Encoding the same frame instance twice in a row returns the same array: a fan-out hands one
 * frame to many members, and it is encoded once.
 *
 * @since 0.1.0
 */
public final class ChatCodec implements Codec<ChatFrame> {

    /** The protocol version this codec speaks; a frame with any other is refused. */
    public static final int VERSION = 1;
    /** The most bytes a name, a room name or a private message's recipient may have on the wire. */
    public static final int MAX_NAME_BYTES = 255;
    /** The most bytes a message text may have on the wire. */
    public static final int MAX_TEXT_BYTES = 4096;
    /** The most names a member list may hold. */
    public static final int MAX_MEMBERS = 65_535;
    /** The most lines of history a {@link ChatFrame.Joined} may carry. */
    public static final int MAX_HISTORY = 255;

    static final int JOIN = 0x01;
    static final int SAY = 0x02;
    static final int PRIVATE = 0x03;
    static final int WHO = 0x04;
    static final int LEAVE = 0x05;
    static final int SWITCH_ROOM = 0x06;
    static final int PING = 0x07;
    static final int SIGNED_JOIN = 0x08;
    static final int SIGNED_SAY = 0x09;
    static final int SIGNED_PRIVATE = 0x0a;
    static final int JOINED = 0x41;
    static final int REJECTED = 0x42;
    static final int MESSAGE = 0x43;
    static final int MEMBERS = 0x44;
    static final int MEMBER_JOINED = 0x45;
    static final int MEMBER_LEFT = 0x46;
    static final int NOTICE = 0x47;
    static final int BYE = 0x48;
    static final int SIGNED_JOINED = 0x4a;

    private static final int FLAG_PRIVATE = 0x01;
    private static final int FLAG_SIGNED = 0x02;
    private static final long U32_MAX = 0xFFFF_FFFFL;
    private static final int U16_MAX = 0xFFFF;
    /** The least bytes a history entry takes: an empty name, a time and an empty text. */
    private static final int MIN_HISTORY_ENTRY = 1 + 8 + 2;
    /** The least bytes a history entry of a SIGNED_JOINED takes: its flags besides. */
    private static final int MIN_FLAGGED_HISTORY_ENTRY = 1 + MIN_HISTORY_ENTRY;

    /** The frame encoded last and its bytes, so a fan-out of one frame encodes it once. */
    private final AtomicReference<Encoded> last = new AtomicReference<>();

    private record Encoded(ChatFrame frame, byte[] bytes) {
    }

    /** Creates a codec; it is thread-safe and may be shared. */
    public ChatCodec() {
    }

    @Override
    public byte[] encode(ChatFrame frame) {
        if (frame == null) {
            throw new NullPointerException("frame");
        }
        Encoded cached = last.get();
        if (cached != null && cached.frame == frame) {
            return cached.bytes;
        }
        byte[] bytes = new byte[encodedSize(frame)];
        ByteBuffer out = ByteBuffer.wrap(bytes);
        write(frame, out);
        if (out.hasRemaining()) {
            throw new IllegalStateException("encoded size mismatch for " + frame.getClass().getSimpleName());
        }
        last.set(new Encoded(frame, bytes));
        return bytes;
    }

    /**
     * How many bytes a frame takes on the wire, without encoding it.
     *
     * @param frame the frame
     * @return its encoded size
     * @throws CodecException if the frame cannot be encoded (a field over the format's bounds, an
     *     unpaired surrogate)
     */
    public static int encodedSize(ChatFrame frame) {
        int header = 2;
        if (frame instanceof ChatFrame.Join f) {
            return header + name(f.name(), "name") + name(f.room(), "room") + signature(f.signature());
        } else if (frame instanceof ChatFrame.Say f) {
            return header + text(f.text()) + signature(f.signature());
        } else if (frame instanceof ChatFrame.Private f) {
            return header + name(f.to(), "to") + text(f.text()) + signature(f.signature());
        } else if (frame instanceof ChatFrame.Who || frame instanceof ChatFrame.Leave
                || frame instanceof ChatFrame.Ping) {
            return header;
        } else if (frame instanceof ChatFrame.SwitchRoom f) {
            return header + name(f.room(), "room");
        } else if (frame instanceof ChatFrame.Joined f) {
            checkRange(f.idleTimeoutMillis(), U32_MAX, "idleTimeoutMillis");
            checkRange(f.rateBurst(), U16_MAX, "rateBurst");
            checkRange(f.rateRefillMillis(), U32_MAX, "rateRefillMillis");
            int size = header + name(f.room(), "room") + name(f.name(), "name") + 4 + 2 + 4
                    + names(f.members()) + 1;
            if (f.history().size() > MAX_HISTORY) {
                throw new CodecException("history of " + f.history().size() + " lines exceeds " + MAX_HISTORY);
            }
            boolean flagged = anySigned(f.history());
            for (ChatFrame.HistoryEntry e : f.history()) {
                size += (flagged ? 1 : 0) + name(e.from(), "from") + 8 + text(e.text()) + signature(e.signature());
            }
            return size;
        } else if (frame instanceof ChatFrame.Rejected f) {
            return header + 1 + text(f.text());
        } else if (frame instanceof ChatFrame.Message f) {
            return header + 1 + name(f.room(), "room") + name(f.from(), "from") + 8 + text(f.text())
                    + signature(f.signature());
        } else if (frame instanceof ChatFrame.Members f) {
            return header + name(f.room(), "room") + names(f.names());
        } else if (frame instanceof ChatFrame.MemberJoined f) {
            return header + name(f.room(), "room") + name(f.name(), "name");
        } else if (frame instanceof ChatFrame.MemberLeft f) {
            return header + name(f.room(), "room") + name(f.name(), "name") + 1;
        } else if (frame instanceof ChatFrame.Notice f) {
            return header + 1 + text(f.text());
        } else if (frame instanceof ChatFrame.Bye) {
            return header + 1;
        }
        throw new CodecException("unknown frame type: " + frame.getClass().getName());
    }

    private static void write(ChatFrame frame, ByteBuffer out) {
        out.put((byte) VERSION);
        if (frame instanceof ChatFrame.Join f) {
            out.put((byte) (f.signature() == null ? JOIN : SIGNED_JOIN));
            putName(out, f.name());
            putName(out, f.room());
            putSignature(out, f.signature());
        } else if (frame instanceof ChatFrame.Say f) {
            out.put((byte) (f.signature() == null ? SAY : SIGNED_SAY));
            putText(out, f.text());
            putSignature(out, f.signature());
        } else if (frame instanceof ChatFrame.Private f) {
            out.put((byte) (f.signature() == null ? PRIVATE : SIGNED_PRIVATE));
            putName(out, f.to());
            putText(out, f.text());
            putSignature(out, f.signature());
        } else if (frame instanceof ChatFrame.Who) {
            out.put((byte) WHO);
        } else if (frame instanceof ChatFrame.Leave) {
            out.put((byte) LEAVE);
        } else if (frame instanceof ChatFrame.SwitchRoom f) {
            out.put((byte) SWITCH_ROOM);
            putName(out, f.room());
        } else if (frame instanceof ChatFrame.Ping) {
            out.put((byte) PING);
        } else if (frame instanceof ChatFrame.Joined f) {
            boolean flagged = anySigned(f.history());
            out.put((byte) (flagged ? SIGNED_JOINED : JOINED));
            putName(out, f.room());
            putName(out, f.name());
            out.putInt((int) f.idleTimeoutMillis());
            out.putShort((short) f.rateBurst());
            out.putInt((int) f.rateRefillMillis());
            putNames(out, f.members());
            out.put((byte) f.history().size());
            for (ChatFrame.HistoryEntry e : f.history()) {
                if (flagged) {
                    out.put((byte) (e.signature() != null ? FLAG_SIGNED : 0));
                }
                putName(out, e.from());
                out.putLong(e.serverTimeMillis());
                putText(out, e.text());
                putSignature(out, e.signature());
            }
        } else if (frame instanceof ChatFrame.Rejected f) {
            out.put((byte) REJECTED);
            out.put((byte) f.reason().code());
            putText(out, f.text());
        } else if (frame instanceof ChatFrame.Message f) {
            out.put((byte) MESSAGE);
            out.put((byte) ((f.isPrivate() ? FLAG_PRIVATE : 0) | (f.signature() != null ? FLAG_SIGNED : 0)));
            putName(out, f.room());
            putName(out, f.from());
            out.putLong(f.serverTimeMillis());
            putText(out, f.text());
            putSignature(out, f.signature());
        } else if (frame instanceof ChatFrame.Members f) {
            out.put((byte) MEMBERS);
            putName(out, f.room());
            putNames(out, f.names());
        } else if (frame instanceof ChatFrame.MemberJoined f) {
            out.put((byte) MEMBER_JOINED);
            putName(out, f.room());
            putName(out, f.name());
        } else if (frame instanceof ChatFrame.MemberLeft f) {
            out.put((byte) MEMBER_LEFT);
            putName(out, f.room());
            putName(out, f.name());
            out.put((byte) f.reason().code());
        } else if (frame instanceof ChatFrame.Notice f) {
            out.put((byte) NOTICE);
            out.put((byte) f.reason().code());
            putText(out, f.text());
        } else if (frame instanceof ChatFrame.Bye f) {
            out.put((byte) BYE);
            out.put((byte) f.reason().code());
        }
    }

    @Override
    public ChatFrame decode(ByteBuffer in) {
        try {
            ChatFrame frame = read(in);
            if (in.hasRemaining()) {
                throw new CodecException(in.remaining() + " bytes after the end of a " + frame.getClass().getSimpleName()
                        + " frame");
            }
            return frame;
        } catch (BufferUnderflowException e) {
            throw new CodecException("chat frame is truncated", e);
        } catch (IllegalArgumentException e) {
            throw new CodecException("chat frame has an invalid field: " + e.getMessage(), e);
        }
    }

    private static ChatFrame read(ByteBuffer in) {
        if (in.remaining() < 2) {
            throw new CodecException("chat frame of " + in.remaining() + " bytes is shorter than its 2-byte header");
        }
        int version = u8(in);
        if (version != VERSION) {
            throw new CodecException("unsupported chat protocol version " + version + " (this codec speaks " + VERSION + ")");
        }
        int type = u8(in);
        switch (type) {
            case JOIN:
                return new ChatFrame.Join(getName(in), getName(in));
            case SAY:
                return new ChatFrame.Say(getText(in));
            case PRIVATE:
                return new ChatFrame.Private(getName(in), getText(in));
            case WHO:
                return new ChatFrame.Who();
            case LEAVE:
                return new ChatFrame.Leave();
            case SWITCH_ROOM:
                return new ChatFrame.SwitchRoom(getName(in));
            case PING:
                return new ChatFrame.Ping();
            case SIGNED_JOIN:
                return new ChatFrame.Join(getName(in), getName(in), getSignature(in));
            case SIGNED_SAY:
                return new ChatFrame.Say(getText(in), getSignature(in));
            case SIGNED_PRIVATE:
                return new ChatFrame.Private(getName(in), getText(in), getSignature(in));
            case JOINED:
                return readJoined(in, false);
            case SIGNED_JOINED:
                return readJoined(in, true);
            case REJECTED:
                return new ChatFrame.Rejected(reason(u8(in)), getText(in));
            case MESSAGE: {
                int flags = u8(in);
                if ((flags & ~(FLAG_PRIVATE | FLAG_SIGNED)) != 0) {
                    throw new CodecException("MESSAGE has unknown flags 0x" + Integer.toHexString(flags));
                }
                String room = getName(in);
                String from = getName(in);
                long time = time(in);
                String text = getText(in);
                ChatSignature signature = (flags & FLAG_SIGNED) != 0 ? getSignature(in) : null;
                return new ChatFrame.Message(room, from, time, text, (flags & FLAG_PRIVATE) != 0, signature);
            }
            case MEMBERS:
                return new ChatFrame.Members(getName(in), getNames(in));
            case MEMBER_JOINED:
                return new ChatFrame.MemberJoined(getName(in), getName(in));
            case MEMBER_LEFT:
                return new ChatFrame.MemberLeft(getName(in), getName(in), leaveReason(u8(in)));
            case NOTICE:
                return new ChatFrame.Notice(reason(u8(in)), getText(in));
            case BYE:
                return new ChatFrame.Bye(leaveReason(u8(in)));
            default:
                throw new CodecException("unknown chat frame type 0x" + Integer.toHexString(type));
        }
    }

    private static ChatFrame.Joined readJoined(ByteBuffer in, boolean flagged) {
        String room = getName(in);
        String name = getName(in);
        long idle = Integer.toUnsignedLong(in.getInt());
        int burst = Short.toUnsignedInt(in.getShort());
        long refill = Integer.toUnsignedLong(in.getInt());
        if (idle == 0 || burst == 0 || refill == 0) {
            throw new CodecException("JOINED has a zero limit: idle " + idle + ", burst " + burst + ", refill " + refill);
        }
        List<String> members = getNames(in);
        int count = u8(in);
        if ((long) count * (flagged ? MIN_FLAGGED_HISTORY_ENTRY : MIN_HISTORY_ENTRY) > in.remaining()) {
            throw new CodecException("JOINED claims " + count + " history lines but has " + in.remaining() + " bytes left");
        }
        List<ChatFrame.HistoryEntry> history = new ArrayList<>(count);
        boolean anySigned = false;
        for (int i = 0; i < count; i++) {
            int flags = flagged ? u8(in) : 0;
            if ((flags & ~FLAG_SIGNED) != 0) {
                throw new CodecException("history line has unknown flags 0x" + Integer.toHexString(flags));
            }
            String from = getName(in);
            long time = time(in);
            String text = getText(in);
            ChatSignature signature = (flags & FLAG_SIGNED) != 0 ? getSignature(in) : null;
            anySigned |= signature != null;
            history.add(new ChatFrame.HistoryEntry(from, time, text, signature));
        }
        if (flagged && !anySigned) {
            // One encoding per frame: without a signed line, the frame is a plain JOINED.
            throw new CodecException("SIGNED_JOINED without a signed history line");
        }
        return new ChatFrame.Joined(room, name, idle, burst, refill, members, history);
    }

    // ---------------------------------------------------------------- fields

    private static int name(String s, String what) {
        int n = utf8Length(s);
        if (n > MAX_NAME_BYTES) {
            throw new CodecException(what + " of " + n + " UTF-8 bytes exceeds " + MAX_NAME_BYTES);
        }
        return 1 + n;
    }

    private static int text(String s) {
        int n = utf8Length(s);
        if (n > MAX_TEXT_BYTES) {
            throw new CodecException("text of " + n + " UTF-8 bytes exceeds " + MAX_TEXT_BYTES);
        }
        return 2 + n;
    }

    private static int names(List<String> names) {
        if (names.size() > MAX_MEMBERS) {
            throw new CodecException("list of " + names.size() + " names exceeds " + MAX_MEMBERS);
        }
        int size = 2;
        for (String n : names) {
            size += name(n, "member name");
        }
        return size;
    }

    private static int signature(ChatSignature s) {
        return s == null ? 0 : ChatSignature.LENGTH;
    }

    private static boolean anySigned(List<ChatFrame.HistoryEntry> history) {
        for (ChatFrame.HistoryEntry e : history) {
            if (e.signature() != null) {
                return true;
            }
        }
        return false;
    }

    private static void putSignature(ByteBuffer out, ChatSignature s) {
        if (s != null) {
            out.put(s.key().toBytes()).putLong(s.sequence()).put(s.signatureUnsafe());
        }
    }

    private static ChatSignature getSignature(ByteBuffer in) {
        byte[] key = new byte[Ed25519.KEY_LENGTH];
        in.get(key);
        long sequence = in.getLong();
        if (sequence < 0) {
            throw new CodecException("signature's sequence number is above 2^63");
        }
        byte[] signature = new byte[Ed25519.SIGNATURE_LENGTH];
        in.get(signature);
        return new ChatSignature(PublicIdentity.of(key), sequence, signature);
    }

    private static void checkRange(long value, long max, String what) {
        if (value < 1 || value > max) {
            throw new CodecException(what + " must be in 1.." + max + ": " + value);
        }
    }

    private static void putName(ByteBuffer out, String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        out.put((byte) b.length).put(b);
    }

    private static void putText(ByteBuffer out, String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        out.putShort((short) b.length).put(b);
    }

    private static void putNames(ByteBuffer out, List<String> names) {
        out.putShort((short) names.size());
        for (String n : names) {
            putName(out, n);
        }
    }

    private static String getName(ByteBuffer in) {
        return utf8(in, u8(in));
    }

    private static String getText(ByteBuffer in) {
        int n = Short.toUnsignedInt(in.getShort());
        if (n > MAX_TEXT_BYTES) {
            throw new CodecException("text length " + n + " exceeds " + MAX_TEXT_BYTES);
        }
        return utf8(in, n);
    }

    private static List<String> getNames(ByteBuffer in) {
        int count = Short.toUnsignedInt(in.getShort());
        // Each name takes at least its length byte: bound the count before allocating.
        if (count > in.remaining()) {
            throw new CodecException("list claims " + count + " names but has " + in.remaining() + " bytes left");
        }
        List<String> names = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            names.add(getName(in));
        }
        return names;
    }

    private static long time(ByteBuffer in) {
        long t = in.getLong();
        if (t < 0) {
            throw new CodecException("negative time " + t);
        }
        return t;
    }

    private static int u8(ByteBuffer in) {
        return Byte.toUnsignedInt(in.get());
    }

    private static ChatReason reason(int code) {
        ChatReason r = ChatReason.ofCode(code);
        if (r == null) {
            throw new CodecException("unknown reason code " + code);
        }
        return r;
    }

    private static LeaveReason leaveReason(int code) {
        LeaveReason r = LeaveReason.ofCode(code);
        if (r == null) {
            throw new CodecException("unknown leave reason " + code);
        }
        return r;
    }

    private static String utf8(ByteBuffer in, int length) {
        if (length > in.remaining()) {
            throw new CodecException("string of " + length + " bytes but only " + in.remaining() + " left");
        }
        ByteBuffer slice = in.slice();
        slice.limit(length);
        in.position(in.position() + length);
        boolean ascii = true;
        for (int i = 0; i < length && ascii; i++) {
            ascii = slice.get(i) >= 0;
        }
        if (ascii) {
            byte[] b = new byte[length];
            slice.get(b);
            return new String(b, StandardCharsets.ISO_8859_1);
        }
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(slice)
                    .toString();
        } catch (CharacterCodingException e) {
            throw new CodecException("string is not well-formed UTF-8: " + e, e);
        }
    }

    /**
     * Counts the UTF-8 bytes of a string without encoding it.
     *
     * @param s the string
     * @return its length in UTF-8
     * @throws CodecException if it holds an unpaired surrogate, which UTF-8 cannot encode
     */
    static int utf8Length(String s) {
        int n = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x80) {
                n += 1;
            } else if (c < 0x800) {
                n += 2;
            } else if (Character.isHighSurrogate(c)) {
                if (i + 1 >= s.length() || !Character.isLowSurrogate(s.charAt(i + 1))) {
                    throw new CodecException("string has an unpaired surrogate at index " + i);
                }
                n += 4;
                i++;
            } else if (Character.isLowSurrogate(c)) {
                throw new CodecException("string has an unpaired surrogate at index " + i);
            } else {
                n += 3;
            }
        }
        return n;
    }

    @Override
    public String toString() {
        return "ChatCodec(v" + VERSION + ")";
    }
}
