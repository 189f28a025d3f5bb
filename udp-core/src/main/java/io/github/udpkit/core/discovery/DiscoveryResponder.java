package io.github.udpkit.core.discovery;

import io.github.udpkit.core.security.RateLimiter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Decides, with no socket or clock, whether and how to answer a discovery probe: only a
 * well-formed probe is answered, only within a per-source and a global rate limit (udp-core's
 * {@link RateLimiter}), and never with more bytes than the probe had. A spoofed probe can therefore
 * make a server send at most what was sent to it, and at most a bounded number of times a second.
 * Not thread-safe: one I/O thread owns it.
 *
 * @since 0.1.0
 */
public final class DiscoveryResponder {

    /** The shared key of the global limit: every source draws from one bucket. */
    private static final InetAddress EVERYONE = InetAddress.getLoopbackAddress();

    private final Supplier<Announcement> announcement;
    private final RateLimiter perSource;
    private final RateLimiter global;
    private long probes;
    private long answered;
    private long rateLimited;
    private long malformed;
    private long withheld;
    private long truncated;
    private long bytesIn;
    private long bytesOut;

    /**
     * Creates a responder.
     *
     * @param announcement what to say, asked for at each answer (rooms change)
     * @param perSourcePerSecond answers a second to one source (IPv6 sources by /64), positive
     * @param globalPerSecond answers a second in all, positive
     */
    public DiscoveryResponder(Supplier<Announcement> announcement, double perSourcePerSecond, double globalPerSecond) {
        this.announcement = Objects.requireNonNull(announcement, "announcement");
        this.perSource = RateLimiter.builder().ratePerSecond(perSourcePerSecond)
                .burst(Math.max(1, (int) Math.ceil(perSourcePerSecond))).maxSources(4096).build();
        // One bucket for all: a /0 prefix maps every IPv4 source to one key, every IPv6 source to another.
        this.global = RateLimiter.builder().ratePerSecond(globalPerSecond)
                .burst(Math.max(1, (int) Math.ceil(globalPerSecond))).maxSources(2)
                .ipv4PrefixLength(0).ipv6PrefixLength(0).build();
    }

    /**
     * The answer to a datagram that arrived on the discovery port.
     *
     * @param from its source (unverified: it may be spoofed)
     * @param datagram its bytes
     * @param nowNanos the current time on a monotonic clock
     * @return the reply to send to {@code from}, never longer than {@code datagram}, or empty
     */
    public Optional<byte[]> answer(InetSocketAddress from, byte[] datagram, long nowNanos) {
        Objects.requireNonNull(from, "from");
        Objects.requireNonNull(datagram, "datagram");
        bytesIn += datagram.length;
        Optional<Long> nonce = DiscoveryWire.probeNonce(datagram);
        if (nonce.isEmpty()) {
            malformed++;
            return Optional.empty();
        }
        probes++;
        if (!perSource.tryAcquire(from.getAddress(), nowNanos) || !global.tryAcquire(EVERYONE, nowNanos)) {
            rateLimited++;
            return Optional.empty();
        }
        Announcement a = announcement.get();
        Optional<byte[]> reply = DiscoveryWire.reply(nonce.get(), a, datagram.length);
        if (reply.isEmpty()) {
            withheld++;
            return reply;
        }
        if (DiscoveryWire.decodeReply(reply.get()).map(DiscoveryWire.Reply::roomsTruncated).orElse(false)) {
            truncated++;
        }
        answered++;
        bytesOut += reply.get().length;
        return reply;
    }

    /**
     * The responder's counters.
     *
     * @return a snapshot
     */
    public Stats stats() {
        return new Stats(probes, answered, rateLimited, malformed, withheld, truncated, bytesIn, bytesOut);
    }

    /**
     * What a responder has seen and done.
     *
     * @param probes well-formed probes received
     * @param answered probes answered
     * @param rateLimited probes not answered for a rate limit
     * @param malformed datagrams on the discovery port that were not probes
     * @param withheld probes too small for even a reply without rooms
     * @param truncated replies that left rooms out to fit their probe
     * @param bytesIn bytes received
     * @param bytesOut bytes sent in replies; never more than {@code bytesIn}
     */
    public record Stats(long probes, long answered, long rateLimited, long malformed, long withheld, long truncated,
                        long bytesIn, long bytesOut) {
    }
}
