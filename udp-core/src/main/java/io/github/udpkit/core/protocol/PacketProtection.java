package io.github.udpkit.core.protocol;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;

/**
 * The seam where datagram bodies are protected: the engine builds a datagram's header and frames,
 * then calls {@link #seal}; on receipt it reads the header, calls {@link #open}, and only then
 * parses frames. An AEAD implementation uses the header as associated data and the
 * (session, packet number) pair as its nonce, which the engine never repeats.
 *
 * <p>Two implementations ship here: {@link #crc32c()}, the default, which detects corruption
 * (every framed mode promises integrity), and {@link #none()}. Implementations used by an engine
 * are called from its thread only; an instance shared by several engines must be thread-safe.
 *
 * @since 0.1.0
 */
public interface PacketProtection {

    /**
     * The bytes {@link #seal} adds to a datagram (an authentication tag, a checksum).
     *
     * @return the overhead, 0..256
     */
    int overhead();

    /**
     * Whether a successful {@link #open} proves who sent the datagram (a keyed MAC or AEAD), so
     * that a repeated packet number is a replay rather than a network duplicate.
     *
     * @return true for authenticating implementations; false by default
     */
    default boolean authenticates() {
        return false;
    }

    /**
     * Whether this protection works on datagrams in direct (off-heap) memory as well as on heap
     * arrays. If so the engine builds its datagrams in direct memory, which the socket sends as
     * they are; a heap buffer costs a copy into a temporary direct one on every send. An
     * implementation that needs an array to work in place (a JDK cipher) keeps the default.
     *
     * @return true if direct buffers suit it; false by default
     */
    default boolean prefersDirectBuffers() {
        return false;
    }

    /**
     * Protects an outgoing datagram in place.
     *
     * @param peer the receiver
     * @param sourceSession the sending session id (never 0)
     * @param destinationSession the receiving session id, 0 if not yet known
     * @param packetNumber the packet number, unique for the source session
     * @param datagram on entry: position at the header, limit at the end of the plaintext body,
     *     at least {@link #overhead()} bytes of capacity after the limit. On return the limit has
     *     grown by {@link #overhead()}; the position and the header bytes are unchanged.
     * @param headerLength the header length; the header is the associated data
     */
    void seal(InetSocketAddress peer, long sourceSession, long destinationSession, long packetNumber,
            ByteBuffer datagram, int headerLength);

    /**
     * Checks and opens an incoming datagram in place.
     *
     * @param peer the sender
     * @param sourceSession the sender's session id from the header
     * @param destinationSession the destination session id from the header
     * @param packetNumber the packet number from the header
     * @param datagram on entry: position at the header, limit at the end of the datagram. On
     *     success the limit is at the end of the plaintext body, the position unchanged; on
     *     failure the contents are undefined.
     * @param headerLength the header length
     * @return false if the datagram fails the check (the engine counts it and drops it)
     */
    boolean open(InetSocketAddress peer, long sourceSession, long destinationSession, long packetNumber,
            ByteBuffer datagram, int headerLength);

    /**
     * No protection: nothing added, nothing checked. For tests, and for links that check
     * integrity below udpkit.
     *
     * @return the shared instance
     */
    static PacketProtection none() {
        return NoProtection.INSTANCE;
    }

    /**
     * A CRC-32C of header and body appended to every datagram, which drops corrupted datagrams
     * (the UDP checksum is optional over IPv4 and weak). It protects against accidents, not
     * attackers.
     *
     * @return the shared instance
     */
    static PacketProtection crc32c() {
        return Crc32cProtection.INSTANCE;
    }
}
