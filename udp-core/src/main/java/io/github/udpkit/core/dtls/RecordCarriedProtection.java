package io.github.udpkit.core.dtls;

import io.github.udpkit.core.protocol.PacketProtection;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;

/**
 * The engine's protection when its datagrams ride in DTLS records: nothing added, nothing checked,
 * since every record is authenticated and encrypted below the engine. Unlike
 * {@link PacketProtection#none()} it has the engine build datagrams in heap memory, which the
 * JDK's ciphers read without the copy a direct buffer costs them.
 */
final class RecordCarriedProtection implements PacketProtection {
    static final RecordCarriedProtection INSTANCE = new RecordCarriedProtection();

    private RecordCarriedProtection() {
    }

    @Override
    public int overhead() {
        return 0;
    }

    @Override
    public void seal(InetSocketAddress peer, long sourceSession, long destinationSession, long packetNumber,
                     ByteBuffer datagram, int headerLength) {
        // DTLS seals the whole datagram as a record
    }

    @Override
    public boolean open(InetSocketAddress peer, long sourceSession, long destinationSession, long packetNumber,
                        ByteBuffer datagram, int headerLength) {
        return true; // DTLS opened the record it came in
    }

    @Override
    public String toString() {
        return "DTLS records";
    }
}
