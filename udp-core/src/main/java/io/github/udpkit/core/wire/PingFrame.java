package io.github.udpkit.core.wire;

/**
 * A PING frame: asks the receiver for an acknowledgement, to keep a conversation alive or to
 * measure the round trip.
 *
 * @since 0.1.0
 */
public record PingFrame() implements Frame {
    @Override
    public int encodedLength() {
        return 1;
    }
}
