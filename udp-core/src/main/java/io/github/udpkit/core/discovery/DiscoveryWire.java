package io.github.udpkit.core.discovery;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The discovery wire format of {@code docs/PROTOCOL.md} section 15: probes and replies, encoded
 * and decoded without trusting a byte of the input. No I/O.
 *
 * <pre>
 * probe:  "ukDP" 01 01 nonce(8) padding(0..)                     at least 14 bytes
 * reply:  "ukDP" 01 02 nonce(8) flags(1) port(2)
 *         len(1) name  len(1) service  count(1) (len(1) room)*   never longer than its probe
 * </pre>
 *
 * @since 0.1.0
 */
public final class DiscoveryWire {

    /** The four bytes every discovery datagram starts with, ASCII {@code ukDP}; never udpkit's frame magic. */
    public static final byte[] MAGIC = {'u', 'k', 'D', 'P'};
    /** The version this code speaks. */
    public static final int VERSION = 1;
    /** Type byte of a probe. */
    public static final int TYPE_PROBE = 1;
    /** Type byte of a reply. */
    public static final int TYPE_REPLY = 2;
    /** Reply flag: rooms were left out so that the reply fits in the probe. */
    public static final int FLAG_ROOMS_TRUNCATED = 1;
    /** Magic, version, type and nonce: the shortest probe. */
    public static final int PROBE_HEADER = 14;
    /** The probe size a prober sends unless told otherwise: room for a reply with a few rooms. */
    public static final int DEFAULT_PROBE_SIZE = 512;
    /** The largest probe a prober sends; larger probes would only ask for larger replies. */
    public static final int MAX_PROBE_SIZE = 1200;

    private DiscoveryWire() {
    }

    /**
     * A probe of a given size: the header and zero padding.
     *
     * @param nonce echoed in replies, so a prober can tell them from stray datagrams
     * @param size {@link #PROBE_HEADER} to {@link #MAX_PROBE_SIZE} bytes
     * @return the datagram
     */
    public static byte[] probe(long nonce, int size) {
        if (size < PROBE_HEADER || size > MAX_PROBE_SIZE) {
            throw new IllegalArgumentException("probe size must be in " + PROBE_HEADER + ".." + MAX_PROBE_SIZE + ": " + size);
        }
        ByteBuffer b = ByteBuffer.allocate(size);
        b.put(MAGIC).put((byte) VERSION).put((byte) TYPE_PROBE).putLong(nonce);
        return b.array();
    }

    /**
     * The nonce of a probe, if the datagram is one.
     *
     * @param datagram any datagram
     * @return the nonce, or empty if it is not a probe of this version
     */
    public static Optional<Long> probeNonce(byte[] datagram) {
        if (!hasHeader(datagram, TYPE_PROBE)) {
            return Optional.empty();
        }
        return Optional.of(ByteBuffer.wrap(datagram, 6, 8).getLong());
    }

    /**
     * The reply to a probe, as large as fits in {@code limit} bytes: rooms are left out from the
     * last (and the truncation flag set) until it fits.
     *
     * @param nonce the probe's nonce
     * @param announcement what to say
     * @param limit the most bytes the reply may take: the probe's length
     * @return the reply, or empty if even a reply without rooms would not fit
     */
    public static Optional<byte[]> reply(long nonce, Announcement announcement, int limit) {
        byte[] name = announcement.name().getBytes(StandardCharsets.UTF_8);
        byte[] service = announcement.service().getBytes(StandardCharsets.UTF_8);
        int size = PROBE_HEADER + 1 + 2 + 1 + name.length + 1 + service.length + 1;
        if (size > limit) {
            return Optional.empty();
        }
        List<byte[]> rooms = new ArrayList<>();
        for (String room : announcement.rooms()) {
            byte[] r = room.getBytes(StandardCharsets.UTF_8);
            if (size + 1 + r.length > limit) {
                break;
            }
            size += 1 + r.length;
            rooms.add(r);
        }
        int flags = rooms.size() < announcement.rooms().size() ? FLAG_ROOMS_TRUNCATED : 0;
        ByteBuffer b = ByteBuffer.allocate(size);
        b.put(MAGIC).put((byte) VERSION).put((byte) TYPE_REPLY).putLong(nonce).put((byte) flags)
                .putShort((short) announcement.port())
                .put((byte) name.length).put(name).put((byte) service.length).put(service)
                .put((byte) rooms.size());
        for (byte[] r : rooms) {
            b.put((byte) r.length).put(r);
        }
        return Optional.of(b.array());
    }

    /**
     * A decoded reply.
     *
     * @param nonce the nonce of the probe it answers
     * @param announcement what the server said (its rooms possibly truncated)
     * @param roomsTruncated whether the server left rooms out to fit the probe
     */
    public record Reply(long nonce, Announcement announcement, boolean roomsTruncated) {
    }

    /**
     * Decodes a reply, checking every length against what is there.
     *
     * @param datagram any datagram
     * @return the reply, or empty if it is not a well-formed reply of this version
     */
    public static Optional<Reply> decodeReply(byte[] datagram) {
        if (!hasHeader(datagram, TYPE_REPLY) || datagram.length < PROBE_HEADER + 3) {
            return Optional.empty();
        }
        ByteBuffer b = ByteBuffer.wrap(datagram);
        b.position(6);
        long nonce = b.getLong();
        int flags = b.get() & 0xFF;
        int port = b.getShort() & 0xFFFF;
        try {
            String name = text(b);
            String service = text(b);
            if (!b.hasRemaining()) {
                return Optional.empty();
            }
            int count = b.get() & 0xFF;
            List<String> rooms = new ArrayList<>(count);
            for (int i = 0; i < count; i++) {
                rooms.add(text(b));
            }
            if (b.hasRemaining() || (flags & ~FLAG_ROOMS_TRUNCATED) != 0) {
                return Optional.empty(); // trailing bytes or unknown flags: not this version's reply
            }
            return Optional.of(new Reply(nonce, new Announcement(name, port, service, rooms),
                    (flags & FLAG_ROOMS_TRUNCATED) != 0));
        } catch (CharacterCodingException | IllegalArgumentException | java.nio.BufferUnderflowException e) {
            return Optional.empty();
        }
    }

    private static String text(ByteBuffer b) throws CharacterCodingException {
        int length = b.get() & 0xFF;
        if (length > b.remaining()) {
            throw new IllegalArgumentException("length " + length + " beyond the datagram");
        }
        ByteBuffer slice = b.slice();
        slice.limit(length);
        b.position(b.position() + length);
        return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT).decode(slice).toString();
    }

    private static boolean hasHeader(byte[] d, int type) {
        return d.length >= PROBE_HEADER && d[0] == MAGIC[0] && d[1] == MAGIC[1] && d[2] == MAGIC[2] && d[3] == MAGIC[3]
                && (d[4] & 0xFF) == VERSION && (d[5] & 0xFF) == type;
    }
}
