package io.github.udpkit.core.dtls;

import io.github.udpkit.core.protocol.PacketProtection;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;

/**
 * The engine's protection when its datagrams ride in DTLS records: {@link PacketProtection#none()},
 * since every record is authenticated and encrypted below the engine, except that the engine
 * builds its datagrams in heap memory, which the JDK's ciphers read without the copy a direct
 * buffer costs them.
 */
final class RecordCarriedProtection implements PacketProtection {
    static final RecordCarriedProtection INSTANCE = new RecordCarriedProtection();
    private static final PacketProtection NONE = PacketProtection.none();

    private RecordCarriedProtection() {
    }

    @Override
    public int overhead() {
        return NONE.overhead();
    }

    @Override
    public void seal(InetSocketAddress peer, long src, long dst, long pn, ByteBuffer datagram, int headerLength) {
        NONE.seal(peer, src, dst, pn, datagram, headerLength);
    }

    @Override
    public boolean open(InetSocketAddress peer, long src, long dst, long pn, ByteBuffer datagram, int headerLength) {
        return NONE.open(peer, src, dst, pn, datagram, headerLength);
    }

    @Override
    public String toString() {
        return "none (in DTLS records)";
    }
}
