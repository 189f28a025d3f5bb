package io.github.udpkit.core.protocol;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;

/** {@link PacketProtection#none()}: adds and checks nothing. */
final class NoProtection implements PacketProtection {
    static final NoProtection INSTANCE = new NoProtection();

    private NoProtection() {
    }

    @Override
    public boolean prefersDirectBuffers() {
        return true;
    }

    @Override
    public int overhead() {
        return 0;
    }

    @Override
    public void seal(InetSocketAddress peer, long sourceSession, long destinationSession, long packetNumber,
            ByteBuffer datagram, int headerLength) {
        // nothing to add
    }

    @Override
    public boolean open(InetSocketAddress peer, long sourceSession, long destinationSession, long packetNumber,
            ByteBuffer datagram, int headerLength) {
        return true;
    }

    @Override
    public String toString() {
        return "none";
    }
}
