package io.github.udpkit.core.wire;

import static com.google.common.base.Preconditions.checkArgument;

import java.nio.charset.StandardCharsets;

/**
 * A CLOSE frame: the sender drops the conversation; the receiver reports the peer as closed.
 *
 * @param code why (0: the application closed the endpoint)
 * @since 0.1.0
 */
public record CloseFrame(long code, String reason) implements Frame {
    /**
     * Validates the code.
     *
     * @param code 0..2<sup>62</sup>-1
     */
    public CloseFrame {
        checkArgument(code >= 0 && code <= Varint.MAX_VALUE, "code must be in 0..2^62-1: %s", code);
        checkArgument(reason.getBytes(StandardCharsets.UTF_8).length <= WireFormat.MAX_CLOSE_REASON,
                "reason must be at most %s bytes of UTF-8: %s", WireFormat.MAX_CLOSE_REASON, reason);
    }

    /**
     * A CLOSE without a reason.
     *
     * @param code the close code
     */
    public CloseFrame(long code) {
        this(code, "");
    }

    @Override
    public int encodedLength() {
        return WireWriter.closeLength(code, reason.getBytes(StandardCharsets.UTF_8).length);
    }
}
