package io.github.udpkit.core.protocol;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.zip.CRC32C;

/**
 * {@link PacketProtection#crc32c()}: a big-endian CRC-32C of header and body, appended. Stateless
 * and thread-safe: one instance serves every engine, each on its own thread, so the checksum
 * object is the thread's own, reset per datagram. (A new one per call was not scalar-replaced:
 * {@code CRC32C.update(ByteBuffer)} is too large to inline, and JFR showed 16 bytes per datagram
 * sealed and opened.)
 */
final class Crc32cProtection implements PacketProtection {
    static final Crc32cProtection INSTANCE = new Crc32cProtection();
    static final int LENGTH = 4;
    private static final ThreadLocal<CRC32C> CHECKSUM = ThreadLocal.withInitial(CRC32C::new);

    private Crc32cProtection() {
    }

    @Override
    public boolean prefersDirectBuffers() {
        return true;
    }

    @Override
    public int overhead() {
        return LENGTH;
    }

    @Override
    public void seal(InetSocketAddress peer, long sourceSession, long destinationSession, long packetNumber,
            ByteBuffer datagram, int headerLength) {
        int start = datagram.position();
        int end = datagram.limit();
        int crc = checksum(datagram, start, end);
        datagram.limit(end + LENGTH);
        datagram.putInt(end, crc);
    }

    @Override
    public boolean open(InetSocketAddress peer, long sourceSession, long destinationSession, long packetNumber,
            ByteBuffer datagram, int headerLength) {
        int start = datagram.position();
        int end = datagram.limit() - LENGTH;
        if (end < start + headerLength) {
            return false;
        }
        int expected = datagram.getInt(end);
        if (checksum(datagram, start, end) != expected) {
            return false;
        }
        datagram.limit(end);
        return true;
    }

    static int checksum(ByteBuffer datagram, int start, int end) {
        int limit = datagram.limit();
        CRC32C crc = CHECKSUM.get();
        crc.reset();
        datagram.limit(end);
        crc.update(datagram); // consumes position..limit
        datagram.limit(limit);
        datagram.position(start);
        return (int) crc.getValue();
    }

    @Override
    public String toString() {
        return "crc32c";
    }
}
