package io.github.udpkit.core.wire;

/**
 * One frame of a udpkit datagram, in the immutable model used by {@link Datagram}.
 *
 * @since 0.1.0
 */
public sealed interface Frame permits PingFrame, AckFrame, CloseFrame, DataFrame, PaddingFrame, RetryFrame,
        TokenFrame {

    /**
     * The encoded length of this frame.
     *
     * @return its length in bytes
     */
    int encodedLength();
}
