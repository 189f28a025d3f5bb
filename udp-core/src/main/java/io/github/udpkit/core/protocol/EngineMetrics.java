package io.github.udpkit.core.protocol;

import io.github.udpkit.api.EndpointStats;
import io.github.udpkit.core.internal.Counter;
import java.time.Duration;

/**
 * The counters of one {@link Engine}, written by the engine's thread and readable from any
 * thread at any time (each value is recent and never torn; values are not a consistent snapshot
 * of each other).
 *
 * @since 0.1.0
 */
public final class EngineMetrics {
    final Counter datagramsSent = new Counter();
    final Counter bytesSent = new Counter();
    final Counter datagramsReceived = new Counter();
    final Counter bytesReceived = new Counter();
    final Counter messagesSent = new Counter();
    final Counter messagesDelivered = new Counter();
    final Counter malformed = new Counter();
    final Counter oversized = new Counter();
    final Counter authFailures = new Counter();
    final Counter replaysDropped = new Counter();
    final Counter duplicatesDropped = new Counter();
    final Counter staleSessionDropped = new Counter();
    final Counter sequencedStaleDropped = new Counter();
    final Counter retransmissions = new Counter();
    final Counter deliveryFailures = new Counter();
    final Counter receiveRefusals = new Counter();
    final Counter reassemblyDrops = new Counter();
    final Counter backPressureRefusals = new Counter();
    final Counter peersRefused = new Counter();
    final Counter peersEvicted = new Counter();
    final Counter peerRestarts = new Counter();
    final Counter pathChallenges = new Counter();
    final Counter pathMigrations = new Counter();
    final Counter peers = new Counter();
    final Counter smoothedRttNanos = new Counter();
    final Counter addressValidationRetries = new Counter();
    final Counter retriesSuppressed = new Counter();
    final Counter invalidCookies = new Counter();
    final Counter retriesReceived = new Counter();
    final Counter spuriousLosses = new Counter();
    final Counter probeTimeouts = new Counter();
    final Counter congestionEvents = new Counter();
    final Counter persistentCongestion = new Counter();
    final Counter mtuProbes = new Counter();
    final Counter mtuBlackHoles = new Counter();
    final Counter mtuRecuts = new Counter();
    final Counter recordsWithheld = new Counter();

    EngineMetrics() {
    }

    /** Datagrams handed to {@link EngineOutput#transmit}. */
    public long datagramsSent() {
        return datagramsSent.get();
    }

    /** Bytes handed to {@link EngineOutput#transmit}. */
    public long bytesSent() {
        return bytesSent.get();
    }

    /** Datagrams passed to {@link Engine#receive}. */
    public long datagramsReceived() {
        return datagramsReceived.get();
    }

    /** Bytes passed to {@link Engine#receive}. */
    public long bytesReceived() {
        return bytesReceived.get();
    }

    /** Messages accepted by {@link Engine#send} (a fragmented message counts once). */
    public long messagesSent() {
        return messagesSent.get();
    }

    /** Messages handed to {@link EngineOutput#deliver}. */
    public long messagesDelivered() {
        return messagesDelivered.get();
    }

    /** Datagrams dropped because they are not valid udpkit datagrams (foreign, truncated, bad fields). */
    public long malformed() {
        return malformed.get();
    }

    /** Sends refused as larger than {@code maxMessageSize}, plus received messages over it (refused). */
    public long oversized() {
        return oversized.get();
    }

    /** Datagrams dropped because {@link PacketProtection#open} rejected them (corrupted, forged, wrong key). */
    public long authFailures() {
        return authFailures.get();
    }

    /** Authenticated datagrams dropped as repeats of a packet number (only with an authenticating protection). */
    public long replaysDropped() {
        return replaysDropped.get();
    }

    /** Datagrams whose packet number was already seen, and reliable messages or fragments already received. */
    public long duplicatesDropped() {
        return duplicatesDropped.get();
    }

    /**
     * Datagrams dropped because they belong to a conversation this engine no longer has: addressed
     * to an earlier session of it, or acknowledgements from a peer it holds no state for.
     */
    public long staleSessionDropped() {
        return staleSessionDropped.get();
    }

    /** SEQUENCED messages dropped because a newer one was already delivered. */
    public long sequencedStaleDropped() {
        return sequencedStaleDropped.get();
    }

    /** Fragments sent again because they were not acknowledged in time. */
    public long retransmissions() {
        return retransmissions.get();
    }

    /**
     * Packets declared lost that were acknowledged afterwards: they were only overtaken (the path
     * reorders), and their retransmission was needless. Each widens the reordering window.
     */
    public long spuriousLosses() {
        return spuriousLosses.get();
    }

    /**
     * Times nothing was acknowledged for a probe timeout, so that probes went out (beyond the
     * congestion window, carrying the oldest data in flight). A timeout reduces no window.
     */
    public long probeTimeouts() {
        return probeTimeouts.get();
    }

    /** Path MTU probes sent (RFC 8899): padded PINGs that test whether a path carries a larger datagram. */
    public long mtuProbes() {
        return mtuProbes.get();
    }

    /**
     * Times a path stopped carrying the datagram size discovered for it (large datagrams lost
     * again and again), so that its size fell back to the base and the search began again.
     */
    public long mtuBlackHoles() {
        return mtuBlackHoles.get();
    }

    /**
     * Messages cut again into base-size fragments under the same sequence number, because their
     * path shrank below what a piece of their first cut needs (see PROTOCOL.md, re-cut messages).
     */
    public long mtuRecuts() {
        return mtuRecuts.get();
    }

    /**
     * Datagrams the engine built for a peer whose record-layer (DTLS) handshake had not completed:
     * not sent; what was reliable goes again once it completes.
     *
     * @return the count
     * @since 0.1.0
     */
    public long recordsWithheld() {
        return recordsWithheld.get();
    }

    /** Times a loss reduced a peer's congestion window (at most once per round trip). */
    public long congestionEvents() {
        return congestionEvents.get();
    }

    /**
     * Times losses spanned three probe timeouts with nothing acknowledged in between, so that a
     * peer's congestion window collapsed to its minimum (RFC 9002 section 7.6).
     */
    public long persistentCongestion() {
        return persistentCongestion.get();
    }

    /** Sends failed with a {@code DeliveryException}. */
    public long deliveryFailures() {
        return deliveryFailures.get();
    }

    /** Reliable frames not accepted (beyond the receive window, or no reassembly memory); the sender retries. */
    public long receiveRefusals() {
        return receiveRefusals.get();
    }

    /** Partial unreliable or sequenced messages dropped: expired, evicted for memory, or refused. */
    public long reassemblyDrops() {
        return reassemblyDrops.get();
    }

    /** Sends refused with a {@code BackPressureException} (peer queue full, or peer table full). */
    public long backPressureRefusals() {
        return backPressureRefusals.get();
    }

    /** New peers refused because the peer table was full of busy peers. */
    public long peersRefused() {
        return peersRefused.get();
    }

    /** Idle peers evicted to make room for new ones. */
    public long peersEvicted() {
        return peersEvicted.get();
    }

    /** Times a peer was seen with a new session (it restarted, or dropped and re-created its state for us). */
    public long peerRestarts() {
        return peerRestarts.get();
    }

    /**
     * Challenges sent to a new address a known session arrived from (path validation).
     *
     * @return the count
     */
    public long pathChallenges() {
        return pathChallenges.get();
    }

    /**
     * Sessions moved to a new address after it echoed a challenge (NAT rebinding, a new network).
     *
     * @return the count
     */
    public long pathMigrations() {
        return pathMigrations.get();
    }

    /** Peers held now. */
    public int peers() {
        return (int) peers.get();
    }

    /**
     * Datagrams from addresses not yet validated (address validation on) that were dropped and
     * answered with a RETRY carrying a fresh cookie.
     */
    public long addressValidationRetries() {
        return addressValidationRetries.get();
    }

    /**
     * Datagrams from addresses not yet validated that were dropped unanswered: a RETRY would have
     * been larger than the datagram, or the {@linkplain EngineConfig#maxRetriesPerSecond() RETRY
     * rate limit} was reached.
     */
    public long retriesSuppressed() {
        return retriesSuppressed.get();
    }

    /**
     * Datagrams from addresses not yet validated whose TOKEN was not a valid cookie: forged,
     * expired, or made for another address or session. Each is also counted in
     * {@link #addressValidationRetries()} or {@link #retriesSuppressed()}.
     */
    public long invalidCookies() {
        return invalidCookies.get();
    }

    /** RETRYs from servers validating this engine's address that it acted on, echoing their cookie. */
    public long retriesReceived() {
        return retriesReceived.get();
    }

    /** The smoothed round-trip time of the most recently measured peer; zero before any measurement. */
    public Duration smoothedRtt() {
        return Duration.ofNanos(smoothedRttNanos.get());
    }

    /**
     * Copies the counters that {@link EndpointStats} shares with the engine into a stats builder.
     * {@code duplicatesDropped} there is this engine's duplicates plus its stale-session and
     * stale-sequenced drops, so that every dropped datagram is counted once; {@code filtered} there
     * is the datagrams dropped by address validation. The driver adds what only it sees (its own
     * filtered datagrams, decode failures, receive-queue drops).
     *
     * @param stats the builder
     * @return the builder
     */
    public EndpointStats.Builder copyTo(EndpointStats.Builder stats) {
        return stats.datagramsSent(datagramsSent())
                .bytesSent(bytesSent())
                .datagramsReceived(datagramsReceived())
                .bytesReceived(bytesReceived())
                .messagesSent(messagesSent())
                .messagesDelivered(messagesDelivered())
                .malformed(malformed())
                .oversized(oversized())
                .authFailures(authFailures())
                .replaysDropped(replaysDropped())
                .duplicatesDropped(duplicatesDropped() + staleSessionDropped() + sequencedStaleDropped())
                .retransmissions(retransmissions())
                .deliveryFailures(deliveryFailures())
                .filtered(addressValidationRetries() + retriesSuppressed())
                .peers(peers())
                .smoothedRtt(smoothedRtt());
    }

    @Override
    public String toString() {
        return "EngineMetrics{datagramsSent=" + datagramsSent + ", bytesSent=" + bytesSent + ", datagramsReceived="
                + datagramsReceived + ", bytesReceived=" + bytesReceived + ", messagesSent=" + messagesSent
                + ", messagesDelivered=" + messagesDelivered + ", malformed=" + malformed + ", oversized=" + oversized
                + ", authFailures=" + authFailures + ", replaysDropped=" + replaysDropped + ", duplicatesDropped="
                + duplicatesDropped + ", staleSessionDropped=" + staleSessionDropped + ", sequencedStaleDropped="
                + sequencedStaleDropped + ", retransmissions=" + retransmissions + ", deliveryFailures="
                + deliveryFailures + ", receiveRefusals=" + receiveRefusals + ", reassemblyDrops=" + reassemblyDrops
                + ", backPressureRefusals=" + backPressureRefusals + ", peersRefused=" + peersRefused
                + ", peersEvicted=" + peersEvicted + ", peerRestarts=" + peerRestarts + ", pathChallenges=" + pathChallenges
                + ", pathMigrations=" + pathMigrations + ", peers=" + peers
                + ", smoothedRtt=" + smoothedRtt() + ", addressValidationRetries=" + addressValidationRetries
                + ", retriesSuppressed=" + retriesSuppressed + ", invalidCookies=" + invalidCookies
                + ", retriesReceived=" + retriesReceived + ", spuriousLosses=" + spuriousLosses
                + ", probeTimeouts=" + probeTimeouts + ", congestionEvents=" + congestionEvents
                + ", persistentCongestion=" + persistentCongestion + ", mtuProbes=" + mtuProbes
                + ", mtuBlackHoles=" + mtuBlackHoles + ", mtuRecuts=" + mtuRecuts + '}';
    }
}
