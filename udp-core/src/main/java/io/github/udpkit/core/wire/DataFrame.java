package io.github.udpkit.core.wire;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

import io.github.udpkit.api.DeliveryMode;
import io.github.udpkit.api.Endpoint;
import java.util.Arrays;
import java.util.HexFormat;

/**
 * A DATA frame: a whole message, or one fragment of a message larger than a datagram.
 *
 * @param mode the delivery mode, framed
 * @param sequence the message's number in its mode's sequence space
 * @param totalLength the whole message's length
 * @param fragmentSize 0 for a whole message; else the size of every fragment but the last
 * @param fragmentIndex the fragment's index (0 for a whole message)
 * @param payload the frame's bytes (copied in and out, so the record stays immutable)
 * @since 0.1.0
 */
public record DataFrame(int channel, DeliveryMode mode, long sequence, int totalLength, int fragmentSize,
        int fragmentIndex, byte[] payload) implements Frame {

    /**
     * Validates the fields: for a fragment, {@code totalLength > fragmentSize >= 1}, the index below
     * the fragment count, and the payload exactly the fragment's share.
     */
    public DataFrame {
        checkArgument(channel >= 0 && channel <= WireFormat.MAX_CHANNEL, "channel must be in 0..%s: %s",
                WireFormat.MAX_CHANNEL, channel);
        checkNotNull(mode, "mode");
        checkArgument(mode.isFramed(), "mode must be framed: %s", mode);
        checkArgument(sequence >= 0 && sequence <= Varint.MAX_VALUE, "sequence must be in 0..2^62-1: %s", sequence);
        payload = checkNotNull(payload, "payload").clone();
        if (fragmentSize == 0) {
            checkArgument(fragmentIndex == 0 && totalLength == payload.length,
                    "a whole message has index 0 and totalLength = payload length: %s, %s, %s",
                    fragmentIndex, totalLength, payload.length);
        } else {
            checkArgument(totalLength >= 2 && totalLength <= WireFormat.MAX_MESSAGE_SIZE,
                    "totalLength must be in 2..%s: %s", WireFormat.MAX_MESSAGE_SIZE, totalLength);
            checkArgument(fragmentSize >= 1 && fragmentSize < totalLength && fragmentSize <= Endpoint.MAX_DATAGRAM_PAYLOAD,
                    "fragmentSize must be in 1..min(totalLength-1, %s): %s", Endpoint.MAX_DATAGRAM_PAYLOAD, fragmentSize);
            int count = (totalLength + fragmentSize - 1) / fragmentSize;
            checkArgument(fragmentIndex >= 0 && fragmentIndex < count, "fragmentIndex must be in 0..%s: %s",
                    count - 1, fragmentIndex);
            int expected = fragmentIndex < count - 1 ? fragmentSize : totalLength - (count - 1) * fragmentSize;
            checkArgument(payload.length == expected, "fragment %s must hold %s bytes: %s", fragmentIndex, expected,
                    payload.length);
        }
    }

    /**
     * A frame on channel 0.
     *
     * @param mode the mode
     * @param sequence the sequence number
     * @param totalLength the whole message's length
     * @param fragmentSize 0 for a whole message
     * @param fragmentIndex the fragment index
     * @param payload the bytes
     */
    public DataFrame(DeliveryMode mode, long sequence, int totalLength, int fragmentSize, int fragmentIndex,
            byte[] payload) {
        this(0, mode, sequence, totalLength, fragmentSize, fragmentIndex, payload);
    }

    /**
     * A frame holding a whole message.
     *
     * @param mode the mode
     * @param sequence the sequence number
     * @param payload the message
     * @return the frame
     */
    public static DataFrame whole(DeliveryMode mode, long sequence, byte[] payload) {
        return new DataFrame(mode, sequence, payload.length, 0, 0, payload);
    }

    /** Whether the frame is one fragment of a larger message. */
    public boolean fragmented() {
        return fragmentSize > 0;
    }

    /** A copy of the frame's bytes. */
    @Override
    public byte[] payload() {
        return payload.clone();
    }

    @Override
    public int encodedLength() {
        return WireWriter.dataLength(channel, sequence, totalLength, fragmentSize, fragmentIndex, payload.length);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof DataFrame d && channel == d.channel && mode == d.mode && sequence == d.sequence && totalLength == d.totalLength
                && fragmentSize == d.fragmentSize && fragmentIndex == d.fragmentIndex
                && Arrays.equals(payload, d.payload);
    }

    @Override
    public int hashCode() {
        return ((channel * 31 + mode.hashCode() * 31 + Long.hashCode(sequence)) * 31 + fragmentIndex) * 31 + Arrays.hashCode(payload);
    }

    @Override
    public String toString() {
        return "DataFrame[" + (channel > 0 ? "channel " + channel + " " : "") + mode + " #" + sequence + (fragmentSize > 0
                ? " fragment " + fragmentIndex + " of " + totalLength + "B/" + fragmentSize : "")
                + " " + HexFormat.of().formatHex(payload, 0, Math.min(payload.length, 32))
                + (payload.length > 32 ? "..." : "") + "]";
    }
}
