package io.github.udpkit.core.wire;

import io.github.udpkit.api.DeliveryMode;
import java.nio.ByteBuffer;

/**
 * The constants of the udpkit wire format, version 3; {@code docs/PROTOCOL.md} explains each.
 *
 * @since 0.1.0
 */
public final class WireFormat {
    /**
     * The first magic byte. 0xF5 never occurs in UTF-8, so no text datagram (what the seed
     * programs send) can be mistaken for a udpkit one.
     */
    public static final byte MAGIC_0 = (byte) 0xF5;
    /** The second magic byte, ASCII {@code k}. */
    public static final byte MAGIC_1 = 0x6B;
    /**
     * The protocol version this code speaks. Version 3 added channels (the DATA frames that carry
     * one); version 2 address validation (the PADDING, RETRY and TOKEN frames); version 1 was never
     * released. Any other version is rejected.
     */
    public static final int VERSION = 3;

    /**
     * Whether a datagram starts with the udpkit magic: the cheap test that tells udpkit's traffic
     * from any other program's (plain text, a discovery probe), without reading past two bytes.
     *
     * @param datagram the datagram, from its position to its limit; not moved
     * @return true if its first two bytes are the magic
     */
    public static boolean hasMagic(ByteBuffer datagram) {
        int at = datagram.position();
        return datagram.remaining() >= 2 && datagram.get(at) == MAGIC_0 && datagram.get(at + 1) == MAGIC_1;
    }

    /** Magic (2), version (1), flags (1), source session (8), destination session (8). */
    public static final int FIXED_HEADER_LENGTH = 20;
    /** The fixed header and a one-byte packet number. */
    public static final int MIN_HEADER_LENGTH = FIXED_HEADER_LENGTH + 1;
    /** The fixed header and an eight-byte packet number. */
    public static final int MAX_HEADER_LENGTH = FIXED_HEADER_LENGTH + 8;
    /**
     * The largest packet number, 2<sup>53</sup> - 1, whatever the protection: a datagram with a
     * larger one is malformed. An AEAD's 2<sup>31</sup> key generations of 2<sup>22</sup> packets
     * end there; the CRC-32C path keeps the same bound so that the wire format has one rule.
     */
    public static final long MAX_PACKET_NUMBER = (1L << 53) - 1;

    /** Frame type: PADDING, the rest of the body is zero bytes; makes a datagram big enough to answer. */
    public static final int FRAME_PADDING = 0x00;
    /** Frame type: PING, no body; asks for an acknowledgement. */
    public static final int FRAME_PING = 0x01;
    /** Frame type: ACK of packet numbers, with the sender's receive window. */
    public static final int FRAME_ACK = 0x02;
    /** Frame type: CLOSE, the sender is dropping this conversation. */
    public static final int FRAME_CLOSE = 0x03;
    /** Frame type: RETRY, a stateless address-validation cookie; the only frame of its datagram. */
    public static final int FRAME_RETRY = 0x04;
    /** Frame type: TOKEN, the cookie of a RETRY echoed back; the first frame of its datagram. */
    public static final int FRAME_TOKEN = 0x05;
    /** Frame type base of DATA: {@code 0x10 | channel 0x08 | fragmented 0x04 | mode 0..3}. */
    public static final int FRAME_DATA = 0x10;
    /** The DATA type bit that says the frame is one fragment of a larger message. */
    public static final int DATA_FRAGMENTED = 0x04;
    /** The DATA type bit that says a channel number (1..{@value #MAX_CHANNEL}) follows the type; without it, channel 0. */
    public static final int DATA_CHANNEL = 0x08;
    /** The largest channel number: a conversation has 256 independent channels, 0..255. */
    public static final int MAX_CHANNEL = 255;

    /** The longest reason a CLOSE frame carries, in bytes of UTF-8. */
    public static final int MAX_CLOSE_REASON = 200;
    /** CLOSE code: the application closed the endpoint. */
    public static final int CLOSE_ENDPOINT = 0;
    /** CLOSE code: the application closed this conversation. */
    public static final int CLOSE_CONNECTION = 1;
    /** CLOSE code: the application refused the conversation the peer opened. */
    public static final int CLOSE_REFUSED = 2;

    /** The most ACK ranges after the first that a reader accepts in one ACK frame. */
    public static final int MAX_ACK_RANGES = 64;
    /** The largest message the format can describe, 16 MiB. */
    public static final int MAX_MESSAGE_SIZE = 16 * 1024 * 1024;
    /**
     * The longest token a RETRY or TOKEN frame may carry, in bytes. A TOKEN frame is then at most
     * 32 bytes, which fit in the room every datagram keeps for an ACK (so echoing a cookie never
     * displaces a DATA frame), and a RETRY at most 53, within {@link #MIN_PADDED_LENGTH}.
     */
    public static final int MAX_TOKEN_LENGTH = 30;
    /**
     * The size, header and frames before protection, below which an ack-eliciting datagram that
     * opens a conversation or carries no DATA is padded: so that a server validating addresses
     * can always answer it with a RETRY no larger than itself.
     */
    public static final int MIN_PADDED_LENGTH = 64;
    /** The largest receive window, in messages, an ACK may advertise. */
    public static final int MAX_RECEIVE_WINDOW = 1 << 20;

    private static final DeliveryMode[] MODES = {
        DeliveryMode.UNRELIABLE, DeliveryMode.SEQUENCED, DeliveryMode.RELIABLE_UNORDERED, DeliveryMode.RELIABLE
    };

    private WireFormat() {
    }

    /**
     * The two-bit code of a framed delivery mode in a DATA frame type.
     *
     * @param mode a framed mode
     * @return 0 UNRELIABLE, 1 SEQUENCED, 2 RELIABLE_UNORDERED, 3 RELIABLE
     * @throws IllegalArgumentException for {@link DeliveryMode#RAW}
     */
    public static int modeCode(DeliveryMode mode) {
        switch (mode) {
            case UNRELIABLE:
                return 0;
            case SEQUENCED:
                return 1;
            case RELIABLE_UNORDERED:
                return 2;
            case RELIABLE:
                return 3;
            default:
                throw new IllegalArgumentException("mode has no frame: " + mode);
        }
    }

    /**
     * The delivery mode of a two-bit code.
     *
     * @param code 0..3
     * @return the mode
     */
    public static DeliveryMode mode(int code) {
        return MODES[code & 3];
    }
}
