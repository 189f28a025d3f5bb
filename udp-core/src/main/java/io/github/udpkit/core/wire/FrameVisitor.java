package io.github.udpkit.core.wire;

import io.github.udpkit.api.DeliveryMode;
import java.nio.ByteBuffer;

/**
 * Receives the frames of a validated datagram from {@link WireReader#readFrames}, in order. Each
 * method returns whether to go on with the next frame.
 *
 * @since 0.1.0
 */
public interface FrameVisitor {

    /**
     * A PING frame.
     *
     * @return true to read on
     */
    boolean onPing();

    /**
     * An ACK frame.
     *
     * @param ranges the acknowledged ranges, largest first; valid during the call only
     * @param ackDelayMicros how long the sender held the ACK after receiving the largest number
     * @param receiveWindow the sender's receive window, in messages per reliable sequence space
     * @return true to read on
     */
    boolean onAck(AckRanges ranges, long ackDelayMicros, long receiveWindow);

    /**
     * A CLOSE frame.
     *
     * @param code the close code (0: the endpoint closed; 1: the conversation closed; 2: refused)
     * @param buffer the datagram
     * @param offset where the reason starts in {@code buffer} (absolute index)
     * @param length the reason's length in bytes (UTF-8), 0 for none
     * @return true to read on
     */
    boolean onClose(long code, ByteBuffer buffer, int offset, int length);

    /**
     * A DATA frame: a whole message, or one fragment of it.
     *
     * @param channel the channel, 0..{@value WireFormat#MAX_CHANNEL}
     * @param mode the delivery mode
     * @param sequence the message sequence number in the mode's sequence space
     * @param totalLength the length of the whole message
     * @param fragmentSize 0 when the frame holds the whole message; else the size of every
     *     fragment but the last
     * @param fragmentIndex the fragment index, 0 when not fragmented
     * @param buffer the datagram
     * @param offset where the bytes start in {@code buffer} (absolute index)
     * @param length how many bytes
     * @return true to read on
     */
    boolean onData(int channel, DeliveryMode mode, long sequence, int totalLength, int fragmentSize, int fragmentIndex,
            ByteBuffer buffer, int offset, int length);

    /**
     * A PADDING frame, the rest of the body. Ignored by default: padding carries nothing.
     *
     * @param length the padding's length, its type byte included
     * @return true to read on
     */
    default boolean onPadding(int length) {
        return true;
    }

    /**
     * A RETRY frame, the only frame of its datagram: the sender asks for the token to be echoed
     * before it keeps state. Ignored by default; the engine reads it through
     * {@link WireReader#tokenOffset()} before it visits frames.
     *
     * @param buffer the datagram
     * @param offset where the token starts in {@code buffer} (absolute index)
     * @param length the token's length
     * @return true to read on
     */
    default boolean onRetry(ByteBuffer buffer, int offset, int length) {
        return true;
    }

    /**
     * A TOKEN frame, the first of its datagram: a RETRY's token echoed back. Ignored by default,
     * as {@link #onRetry}.
     *
     * @param buffer the datagram
     * @param offset where the token starts in {@code buffer} (absolute index)
     * @param length the token's length
     * @return true to read on
     */
    default boolean onToken(ByteBuffer buffer, int offset, int length) {
        return true;
    }
}
