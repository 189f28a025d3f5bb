package io.github.udpkit.core.protocol;

import io.github.udpkit.api.DeliveryMode;
import io.github.udpkit.core.internal.ObjectRing;
import java.net.InetSocketAddress;
import java.util.HashMap;

/**
 * Everything the engine knows about one peer: the two session ids of the conversation, the
 * receive side (packet numbers seen, pending ACK, per-mode receive state, reassemblies) and the
 * send side (queue, unacknowledged messages, packets in flight, RTT, congestion window).
 * Plain state; {@link Engine} holds the logic, so that all of it runs on one thread.
 */
final class Peer {
    /** Unreliable and sequenced partial messages kept per peer at most (each is bounded by memory too). */
    static final int MAX_LOSSY_PARTIALS = 64;

    final InetSocketAddress address;
    long localSession;
    /** The peer's session, 0 until a datagram from it was accepted. */
    long remoteSession;
    boolean removed;

    // receive side
    ReceivedPackets received = new ReceivedPackets();
    boolean ackPending;
    int ackElicitingSinceAck;
    /** Ack-eliciting datagrams accepted from the peer in order since the last gap; past a hundred its ACKs are decimated. */
    long ackElicitingInOrder;
    long ackDeadline;
    /** Extra copies to send of the next ACK that goes out alone (the peer resent data we hold). */
    int ackCopies;
    long highestSequenced = -1;
    UnorderedWindow unordered;
    OrderedBuffer ordered;
    HashMap<Long, Reassembly> lossyPartials;
    long lossyExpiry = Engine.NO_DEADLINE;
    HashMap<Long, Reassembly> unorderedPartials;
    long reassemblyBytes;
    long lastReceiveAt;
    long lastSendAt;
    /** A session that sent us a datagram addressed to a session we no longer have: tell it ours. */
    long announceTo;
    boolean announcePending;
    long lastAnnounceAt = Long.MIN_VALUE / 2;
    boolean pingPending;
    /**
     * The cookie of a RETRY from the peer, echoed in a TOKEN frame at the head of every datagram
     * until a datagram from the peer is accepted; null when none is needed.
     */
    byte[] token;
    /** Whether a RETRY was acted on, when, and its token: RETRYs answering the same flight, or replayed, are ignored. */
    boolean retried;
    long retryAt;
    byte[] lastRetryToken;

    // send side
    long nextPacketNumber;
    final long[] nextSequence = new long[4];
    final ObjectRing<OutMessage> sendQueue;
    final ObjectRing<OutMessage> unackedOrdered;
    final ObjectRing<OutMessage> unackedUnordered;
    final FragmentQueue retransmits = new FragmentQueue();
    final SentPackets sent;
    final RttEstimator rtt;
    final CongestionControl congestion;
    long largestAcked = -1;
    /** What the path has shown of reordering; widens loss detection when it reorders. */
    final Reordering reordering = new Reordering();
    /** When the earliest packet below the largest acknowledged one passes the time threshold (RFC 9002 loss timer). */
    long lossTime = Engine.NO_DEADLINE;
    /** When the newest packet with data, or the newest probe, was sent: the probe timeout counts from it. */
    long lastDataSentAt;
    /** Probe timeouts in a row with no acknowledgement since; each grows the probe timeout by half. */
    int probeCount;
    /** Probe datagrams to send now; they may exceed the congestion window. */
    int probesPending;
    /** When the second probe of the last probe timeout goes out; {@link Engine#NO_DEADLINE} for none. */
    long secondProbeAt = Engine.NO_DEADLINE;
    /** When the first RTT sample was taken: losses before it say nothing about persistent congestion. */
    long firstSampleAt = Engine.NO_DEADLINE;
    long peerWindow;
    int pendingMessages;
    long pendingBytes;

    Peer(InetSocketAddress address, long localSession, EngineConfig config, long now) {
        this.address = address;
        this.localSession = localSession;
        this.unordered = new UnorderedWindow(config.receiveWindow());
        this.ordered = new OrderedBuffer(config.receiveWindow());
        int queueCap = config.maxQueuedMessages();
        this.sendQueue = new ObjectRing<>(Math.min(16, queueCap), queueCap);
        // Unacknowledged rings also hold finished messages behind an unfinished oldest one; those
        // lie within one receive window of it, hence the extra room.
        int unackedCap = queueCap + config.receiveWindow();
        this.unackedOrdered = new ObjectRing<>(Math.min(16, queueCap), unackedCap);
        this.unackedUnordered = new ObjectRing<>(Math.min(16, queueCap), unackedCap);
        this.sent = new SentPackets(64, Math.max(64, 4 * config.maxInFlightDatagrams()));
        this.rtt = new RttEstimator(config.initialRtoNanos(), config.minRtoNanos(), config.maxRtoNanos(),
                config.ackDelayNanos());
        this.congestion = new CongestionControl(config.maxDatagramSize(), config.maxInFlightDatagrams(),
                config.lossTolerance());
        this.peerWindow = config.receiveWindow();
        this.lastReceiveAt = now;
        this.lastSendAt = now;
    }

    ObjectRing<OutMessage> unacked(DeliveryMode mode) {
        return mode == DeliveryMode.RELIABLE ? unackedOrdered : unackedUnordered;
    }

    /** The oldest reliable message of a space not yet acknowledged, after dropping finished ones. */
    OutMessage oldestUnacked(ObjectRing<OutMessage> ring) {
        while (!ring.isEmpty() && ring.peekFirst().done) {
            ring.removeFirst();
        }
        return ring.peekFirst();
    }

    /** Whether nothing depends on this peer's state: a candidate for eviction. */
    boolean isIdle() {
        return pendingMessages == 0 && reassemblyBytes == 0 && ordered.isEmpty()
                && (lossyPartials == null || lossyPartials.isEmpty())
                && (unorderedPartials == null || unorderedPartials.isEmpty());
    }

    /** Forgets what was received from the peer's previous session. Reassembly memory must be released first. */
    void resetReceiveState(EngineConfig config) {
        received = new ReceivedPackets();
        ackPending = false;
        ackCopies = 0;
        ackElicitingSinceAck = 0;
        highestSequenced = -1;
        unordered = new UnorderedWindow(config.receiveWindow());
        ordered = new OrderedBuffer(config.receiveWindow());
        lossyPartials = null;
        lossyExpiry = Engine.NO_DEADLINE;
        unorderedPartials = null;
    }
}
