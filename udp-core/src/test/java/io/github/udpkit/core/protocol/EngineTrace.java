package io.github.udpkit.core.protocol;

import io.github.udpkit.api.DeliveryMode;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * A SHA-256 over everything a {@link EngineNet} run makes observable: every datagram sent (time,
 * sender, receiver, bytes), every message delivered (time, receiver, sender, mode, bytes) and every
 * peer event. Two runs of the same seeded scenario have the same digest exactly when the engine
 * behaved the same, byte for byte and nanosecond for nanosecond, which is how a refactoring of the
 * engine is proved to change nothing.
 */
final class EngineTrace {
    private final MessageDigest digest;
    private long datagrams;
    private long deliveries;
    private long events;

    EngineTrace() {
        try {
            digest = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new AssertionError("every JDK has SHA-256", e);
        }
    }

    void transmitted(long now, InetSocketAddress from, InetSocketAddress to, byte[] datagram) {
        datagrams++;
        tag('T', now);
        address(from);
        address(to);
        bytes(datagram);
    }

    void delivered(long now, InetSocketAddress at, InetSocketAddress from, int channel, DeliveryMode mode,
            byte[] message) {
        deliveries++;
        tag('D', now);
        address(at);
        address(from);
        longValue(channel);
        digest.update((byte) mode.ordinal());
        bytes(message);
    }

    void event(long now, InetSocketAddress at, InetSocketAddress peer, String what) {
        events++;
        tag('E', now);
        address(at);
        address(peer);
        bytes(what.getBytes(StandardCharsets.US_ASCII));
    }

    /** The digest so far, in hex, with the counts that went into it (so a mismatch says where to look). */
    String summary() {
        try {
            MessageDigest copy = (MessageDigest) digest.clone();
            return datagrams + " datagrams, " + deliveries + " deliveries, " + events + " events: "
                    + HexFormat.of().formatHex(copy.digest());
        } catch (CloneNotSupportedException e) {
            throw new AssertionError("SHA-256 digests clone", e);
        }
    }

    private void tag(char kind, long now) {
        digest.update((byte) kind);
        longValue(now);
    }

    private void address(InetSocketAddress a) {
        bytes(a.getAddress().getAddress());
        longValue(a.getPort());
    }

    private void bytes(byte[] b) {
        longValue(b.length);
        digest.update(b);
    }

    private void longValue(long v) {
        for (int i = 56; i >= 0; i -= 8) {
            digest.update((byte) (v >>> i));
        }
    }
}
