package io.github.udpkit.core.wire;

import java.util.Arrays;
import java.util.HexFormat;

/**
 * A TOKEN frame: the cookie of a {@link RetryFrame} echoed back, which proves to a server that
 * validates addresses that the sender receives at its address. Always the first frame of its
 * datagram; a receiver that knows the sender already ignores it.
 *
 * @param token the cookie, 1..{@value WireFormat#MAX_TOKEN_LENGTH} bytes (copied in and out)
 * @since 0.1.0
 */
public record TokenFrame(byte[] token) implements Frame {
    /** Validates and copies the token. */
    public TokenFrame {
        token = RetryFrame.checkToken(token);
    }

    /** A copy of the token. */
    @Override
    public byte[] token() {
        return token.clone();
    }

    @Override
    public int encodedLength() {
        return WireWriter.tokenFrameLength(token.length);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TokenFrame t && Arrays.equals(token, t.token);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(token);
    }

    @Override
    public String toString() {
        return "TokenFrame[" + HexFormat.of().formatHex(token) + "]";
    }
}
