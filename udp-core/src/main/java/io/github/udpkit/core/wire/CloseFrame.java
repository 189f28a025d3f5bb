package io.github.udpkit.core.wire;

import static com.google.common.base.Preconditions.checkArgument;

/**
 * A CLOSE frame: the sender drops the conversation; the receiver reports the peer as closed.
 *
 * @param code why (0: the application closed the endpoint)
 * @since 0.1.0
 */
public record CloseFrame(long code) implements Frame {
    /**
     * Validates the code.
     *
     * @param code 0..2<sup>62</sup>-1
     */
    public CloseFrame {
        checkArgument(code >= 0 && code <= Varint.MAX_VALUE, "code must be in 0..2^62-1: %s", code);
    }

    @Override
    public int encodedLength() {
        return WireWriter.closeLength(code);
    }
}
