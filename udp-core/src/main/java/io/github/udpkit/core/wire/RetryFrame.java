package io.github.udpkit.core.wire;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

import java.util.Arrays;
import java.util.HexFormat;

/**
 * A RETRY frame: a server that validates addresses answers a datagram from an address it does
 * not know with a stateless cookie, which the sender must echo in a {@link TokenFrame} before the
 * server keeps any state for it. Always the only frame of its datagram.
 *
 * @param token the cookie, 1..{@value WireFormat#MAX_TOKEN_LENGTH} bytes (copied in and out)
 * @since 0.1.0
 */
public record RetryFrame(byte[] token) implements Frame {
    /** Validates and copies the token. */
    public RetryFrame {
        token = checkToken(token);
    }

    static byte[] checkToken(byte[] token) {
        checkNotNull(token, "token");
        checkArgument(token.length >= 1 && token.length <= WireFormat.MAX_TOKEN_LENGTH,
                "token length must be in 1..%s: %s", WireFormat.MAX_TOKEN_LENGTH, token.length);
        return token.clone();
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
        return o instanceof RetryFrame r && Arrays.equals(token, r.token);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(token);
    }

    @Override
    public String toString() {
        return "RetryFrame[" + HexFormat.of().formatHex(token) + "]";
    }
}
