package io.github.udpkit.core.wire;

import io.github.udpkit.api.Endpoint;

import static com.google.common.base.Preconditions.checkArgument;

/**
 * A PADDING frame: zero bytes to the end of the body, which make a datagram that opens a
 * conversation large enough to be answered with a RETRY (an answer is never larger than what it
 * answers). Always the last frame of its datagram.
 *
 * @param length the frame's length, its type byte included
 * @since 0.1.0
 */
public record PaddingFrame(int length) implements Frame {
    /**
     * Validates the length.
     *
     * @param length 1..{@value Endpoint#MAX_DATAGRAM_PAYLOAD}
     */
    public PaddingFrame {
        checkArgument(length >= 1 && length <= Endpoint.MAX_DATAGRAM_PAYLOAD, "padding length must be in 1..%s: %s",
                Endpoint.MAX_DATAGRAM_PAYLOAD, length);
    }

    @Override
    public int encodedLength() {
        return length;
    }
}
