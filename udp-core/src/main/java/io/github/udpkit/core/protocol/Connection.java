package io.github.udpkit.core.protocol;

import static io.github.udpkit.core.protocol.Engine.NO_DEADLINE;

import io.github.udpkit.api.BackPressureException;
import io.github.udpkit.api.ConnectionStats;
import io.github.udpkit.api.DeliveryException;
import io.github.udpkit.api.DeliveryMode;
import io.github.udpkit.api.DisconnectReason;
import io.github.udpkit.api.EndpointClosedException;
import io.github.udpkit.core.internal.ObjectRing;
import io.github.udpkit.core.wire.AckRanges;
import io.github.udpkit.core.wire.FrameVisitor;
import io.github.udpkit.core.wire.WireFormat;
import io.github.udpkit.core.wire.WireReader;
import io.github.udpkit.core.wire.WireWriter;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The state machine of one conversation with one peer (quinn-proto's {@code Connection} beside its
 * {@code Endpoint}): sequencing, acknowledgement, loss recovery, the congestion and flow windows,
 * the receive side of every delivery mode, and the timers. The {@link Engine} routes datagrams and
 * sends to it, admits and drops it, and validates addresses; everything that happens inside the
 * conversation happens here, on the engine's thread.
 *
 * <p>Timers are scheduled and fired from one place: {@link #deadline(Timer)} says when each is due,
 * {@link #runTimers} fires those that are, and {@link #deadline()} is the earliest of them.
 */
final class Connection {
    private static final Logger LOG = LoggerFactory.getLogger(Connection.class);
    /** Room kept for the CLOSE frame after an ACK in a goodbye datagram (type and a code). */
    private static final int CLOSE_RESERVE = 16;
    /** Packets this far below the largest acknowledged one are lost (RFC 9002's kPacketThreshold). */
    private static final int PACKET_THRESHOLD = 3;
    /** A PING frame is its type byte. */
    private static final int PING_LENGTH = 1;
    /**
     * A probe timeout sends two probes (as RFC 9002 section 6.2.4 allows); the second follows the
     * first by this fraction of the probe timeout: sent together,
     * the two would arrive together and be acknowledged together, and a burst that took the
     * first, or its acknowledgement, would likely take the second too.
     */
    private static final int PROBE_SPACING = 4;
    /** A bound on the count of probe timeouts in a row (the timeout stops growing long before). */
    private static final int MAX_PROBE_COUNT = 64;
    /** Acknowledge at once after this many ack-eliciting datagrams, while a peer's flow is young. */
    private static final int ACK_EVERY = 2;
    /**
     * Acknowledge at once after this many, once a peer has sent {@link #ACK_DECIMATION_AFTER} in
     * order: each ACK costs both sides a datagram, and a clean flow needs fewer of them
     * (Chromium's QUIC "ACK decimation"). Slow start counts acknowledged bytes, not ACKs, so it
     * grows as fast. A gap in the packet numbers is acknowledged at once and ends the decimation
     * until the flow is clean again: a lossy flow needs every ACK to repair quickly (decimating
     * one with 10 % loss each way cut its goodput to a fifth).
     */
    private static final int ACK_EVERY_DECIMATED = 10;
    /** The ack-eliciting datagrams in order, since the last gap, after which a peer's ACKs are decimated. */
    private static final long ACK_DECIMATION_AFTER = 100;
    /** Reported ACK delays are capped here before conversion, so a hostile value cannot overflow. */
    private static final long MAX_ACK_DELAY_MICROS = 10_000_000;

    /**
     * The timers of a connection, in the order {@link #runTimers} fires them. PACE, ACK and
     * ANNOUNCE wake the engine; what they are due for goes out in {@link #flush}, which reads the
     * same deadlines (PACE's is the time {@link #flush} last found data waiting for the pacer).
     * PATH_MTU is the loss deadline of a path MTU probe in flight, or the rerun of a finished
     * search; both stay unarmed when their feature is off.
     */
    enum Timer {
        IDLE, DELIVERY_DEADLINE, LOSS, SECOND_PROBE, PROBE, KEEP_ALIVE, REASSEMBLY, PATH_MTU, PACE, ACK, ANNOUNCE;

        private static final Timer[] ALL = values();
    }

    private final Engine engine;
    private final EngineConfig config;
    private final EngineMetrics metrics;
    private final EngineOutput output;
    private final AckRanges ackRanges;
    private final FrameHandler frameHandler = new FrameHandler();

    /** Where the peer is: its address when the conversation began, or the last one it migrated to. */
    InetSocketAddress address;
    // Engine bookkeeping: where the connection sits in the deadline queue and the deadline it is
    // queued at, whether it waits in this turn's list of connections with work, and when the
    // engine last looked it up (the order of its turn, which is the peer table's access order).
    int heapIndex = -1;
    long scheduledAt;
    boolean ready;
    long accessStamp;

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
    /** The channels in use, by number (channel 0 always); each has its sequences and receive state. */
    private final Channel[] channels = new Channel[WireFormat.MAX_CHANNEL + 1];
    /** The channels in use, in the order they were first used. */
    private final ArrayList<Channel> active = new ArrayList<>();
    /** Whether the datagram being applied carried reliable data received before (see {@link Receiver}). */
    boolean duplicate;
    /** Whether the application kept this conversation: at once for one we opened, on its first message for one the peer opened. */
    boolean accepted;
    long lastReceiveAt;
    /**
     * The peer's record-layer session (DTLS) and the path of its records, when the engine has a
     * record layer: this connection's protection. Null otherwise.
     */
    RecordPath records;
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
    /** A challenge the peer sent us from its side of a new path, echoed (once) in a TOKEN frame. */
    byte[] pathResponse;

    // path validation: another address this session arrived from, not yet proven
    InetSocketAddress pathCandidate;
    private byte[] pathChallenge;
    private long pathChallengeAt;
    /** Bytes received from and sent to the candidate: what we send it stays within three times what it sent. */
    private long pathBytesIn;
    private long pathBytesOut;

    // send side
    long nextPacketNumber;
    final ObjectRing<OutMessage> sendQueue;
    final FragmentQueue retransmits = new FragmentQueue();
    final SentPackets sent;
    final RttEstimator rtt;
    final CongestionControl congestion;
    long largestAcked = -1;
    /** What the path has shown of reordering; widens loss detection when it reorders. */
    final Reordering reordering = new Reordering();
    /** When the earliest packet below the largest acknowledged one passes the time threshold (RFC 9002 loss timer). */
    long lossTime = NO_DEADLINE;
    /** When the newest packet with data, or the newest probe, was sent: the probe timeout counts from it. */
    long lastDataSentAt;
    /** Probe timeouts in a row with no acknowledgement since; each grows the probe timeout by half. */
    int probeCount;
    /** Probe datagrams to send now; they may exceed the congestion window. */
    int probesPending;
    /** When the second probe of the last probe timeout goes out; {@link Engine#NO_DEADLINE} for none. */
    long secondProbeAt = NO_DEADLINE;
    /** When the first RTT sample was taken: losses before it say nothing about persistent congestion. */
    long firstSampleAt = NO_DEADLINE;
    long peerWindow;
    /** The path's datagram size and its search (RFC 8899); null when path MTU discovery is off. */
    final PathMtu pathMtu;
    /** The pace of ack-eliciting datagrams (RFC 9002 section 7.7); null when pacing is off. */
    final Pacer pacer;
    /** When the pacer lets the data that waits for it leave; {@link Engine#NO_DEADLINE} when none waits. */
    private long paceAt = NO_DEADLINE;
    int pendingMessages;
    long pendingBytes;

    // what ConnectionStats reports
    private long datagramsSent;
    private long bytesSent;
    private long datagramsReceived;
    private long bytesReceived;
    private long retransmitted;
    private long packetsAcked;
    private long packetsLost;

    Connection(Engine engine, InetSocketAddress address, long localSession, long now) {
        this.engine = engine;
        this.config = engine.config;
        this.metrics = engine.metrics;
        this.output = engine.output;
        this.ackRanges = engine.ackRanges;
        this.address = address;
        this.localSession = localSession;
        int queueCap = config.maxQueuedMessages();
        this.sendQueue = new ObjectRing<>(Math.min(16, queueCap), queueCap);
        this.sent = new SentPackets(64, Math.max(64, 4 * config.maxInFlightDatagrams()), engine.messagePool);
        this.rtt = new RttEstimator(config.initialRtoNanos(), config.minRtoNanos(), config.maxRtoNanos(),
                config.ackDelayNanos());
        // The window counts in base-sized datagrams: a path found to carry 64 KiB datagrams starts
        // with the same window in bytes as any other.
        this.congestion = new CongestionControl(config.baseDatagramSize(), config.maxInFlightDatagrams(),
                config.lossTolerance());
        this.pathMtu = config.pathMtuDiscovery()
                ? new PathMtu(config.baseDatagramSize(), config.maxDatagramSize(), now) : null;
        this.pacer = config.pacing() ? new Pacer(now) : null;
        this.peerWindow = config.receiveWindow();
        channel(0);
        this.lastReceiveAt = now;
        this.lastSendAt = now;
    }

    /** A channel's state, created on first use. */
    Channel channel(int id) {
        Channel c = channels[id];
        if (c == null) {
            c = new Channel(id, engine, this);
            channels[id] = c;
            active.add(c);
        }
        return c;
    }

    /** The oldest reliable message of a space not yet acknowledged, after dropping finished ones. */
    OutMessage oldestUnacked(ObjectRing<OutMessage> ring) {
        while (!ring.isEmpty() && ring.peekFirst().done) {
            engine.messagePool.release(ring.removeFirst());
        }
        return ring.peekFirst();
    }

    /** Whether nothing depends on this connection's state: a candidate for eviction. */
    boolean isIdle() {
        if (pendingMessages != 0) {
            return false;
        }
        for (int i = 0; i < active.size(); i++) {
            if (!active.get(i).inbound.isEmpty()) {
                return false;
            }
        }
        return true;
    }

    /** Forgets what was received from the peer's previous session. Reassembly memory must be released first. */
    private void resetReceiveState() {
        received = new ReceivedPackets();
        ackPending = false;
        ackCopies = 0;
        ackElicitingSinceAck = 0;
        for (int i = 0; i < active.size(); i++) {
            Channel c = active.get(i);
            c.inbound = new Receiver(engine, this, c.id);
        }
    }

    // ---------------------------------------------------------------------------- from the engine

    /**
     * Queues a message, unless the queue or the unacknowledged window is full: then fails its
     * completion with a {@link BackPressureException}.
     */
    void enqueue(int channelId, DeliveryMode mode, byte[] payload, int offset, int length,
            CompletableFuture<Void> completion, long now, long order) {
        Channel channel = channel(channelId);
        ObjectRing<OutMessage> unackedRing = mode.isReliable() ? channel.unacked(mode) : null;
        if (pendingMessages >= config.maxQueuedMessages()
                || pendingBytes + length > config.maxQueuedBytes()
                || (unackedRing != null && unackedRing.isFull())) {
            metrics.backPressureRefusals.increment();
            completion.completeExceptionally(new BackPressureException("send queue to " + address + " full: "
                    + pendingMessages + " messages, " + pendingBytes + " bytes queued or unacknowledged (maxQueuedMessages="
                    + config.maxQueuedMessages() + ", maxQueuedBytes=" + config.maxQueuedBytes() + ")"));
            return;
        }
        // Cut for the path as it is now; re-cut at the base size if it shrinks before every piece is through.
        OutMessage m = engine.messagePool.take(channelId, mode, payload, offset, length, completion, now, order,
                pathMaxWholePayload(), pathFragmentSize());
        m.sequence = channel.nextSequence[WireFormat.modeCode(mode)]++;
        sendQueue.addLast(m);
        m.holds++;
        if (unackedRing != null) {
            unackedRing.addLast(m);
            m.holds++;
        }
        pendingMessages++;
        pendingBytes += length;
        metrics.messagesSent.increment();
    }

    /**
     * Applies a datagram the engine authenticated and validated and routed here: its frames, then
     * the packet number and what it owes the peer in acknowledgements.
     *
     * @param reader the reader that validated the datagram's frames
     */
    void onDatagram(WireReader reader, long packetNumber, ByteBuffer b, int bodyFrom, int bodyTo, int size,
            long now) {
        datagramsReceived++;
        bytesReceived += size;
        lastReceiveAt = now;
        token = null; // the peer answered: it knows our address, no more cookies
        boolean inOrder = received.isNext(packetNumber);
        boolean elicits = reader.ackEliciting();
        FrameHandler handler = frameHandler;
        handler.begin(now);
        reader.readFrames(b, bodyFrom, bodyTo, handler);
        if (engine.isClosed() || removed) {
            return;
        }
        if (handler.closeSeen) {
            String reason = handler.closeReason;
            if (handler.closeCode == WireFormat.CLOSE_REFUSED) {
                engine.drop(this, DisconnectReason.REFUSED, "refused by peer: " + reason, now);
            } else {
                engine.drop(this, DisconnectReason.CLOSED_BY_PEER, reason.isEmpty() ? "peer closed"
                        : "peer closed: " + reason, now);
            }
            return;
        }
        boolean ackable = !handler.refused;
        received.record(packetNumber, ackable, now);
        if (elicits && ackable) {
            ackElicitingSinceAck++;
            ackElicitingInOrder = inOrder ? ackElicitingInOrder + 1 : 0;
            if (!ackPending) {
                ackPending = true;
                ackDeadline = now + config.ackDelayNanos();
            }
            int ackEvery = ackElicitingInOrder > ACK_DECIMATION_AFTER ? ACK_EVERY_DECIMATED : ACK_EVERY;
            if (ackElicitingSinceAck >= ackEvery || !inOrder || reader.hasPing()) {
                ackDeadline = now;
            }
            if (duplicate) {
                // The peer resent what we hold, so it did not hear our ACKs: answer at once, and
                // twice, so that a burst of loss on the way back is less likely to take both.
                ackDeadline = now;
                ackCopies = 1;
            }
        }
    }

    /**
     * A RETRY for this conversation: the peer validates addresses and dropped what we sent. Keep
     * its cookie, to lead every datagram until the peer answers, and send again at once, with it,
     * everything the peer dropped. Any engine does this, validating or not, so clients need no
     * setting.
     */
    void onRetry(ByteBuffer b, int offset, int length, long now) {
        if (retried && (now - retryAt < engine.controlInterval
                || sameBytes(b, offset, length, lastRetryToken))) {
            // The peer answers every datagram of a flight; the first RETRY resent the whole flight.
            // And a cookie acted on once is never acted on again: a replayed RETRY does nothing.
            metrics.duplicatesDropped.increment();
            return;
        }
        byte[] cookie = new byte[length];
        b.get(offset, cookie, 0, length);
        lastRetryToken = cookie;
        retried = true;
        retryAt = now;
        metrics.retriesReceived.increment();
        if (remoteSession != 0) {
            // The peer already accepts our datagrams: this is a path challenge, for a path of ours
            // it has not seen before. Echo it at once; nothing was dropped, so nothing is resent.
            pathResponse = cookie;
            pingPending = true;
            return;
        }
        token = cookie;
        for (long pn = sent.base(); pn < nextPacketNumber; pn++) {
            int slot = sent.slotOf(pn);
            if (slot >= 0) {
                declareLost(slot, pn); // dropped unread, not lost to congestion
            }
        }
        sent.advanceBase(nextPacketNumber);
        probeCount = 0; // the path works: the RETRY came back
        probesPending = 0;
        secondProbeAt = NO_DEADLINE;
        lossTime = NO_DEADLINE;
        // Goes out with the retransmissions, or alone when there are none (unreliable messages
        // are not resent), so that the peer validates us either way.
        pingPending = true;
    }

    private static boolean sameBytes(ByteBuffer b, int offset, int length, byte[] bytes) {
        if (length != bytes.length) {
            return false;
        }
        for (int i = 0; i < length; i++) {
            if (b.get(offset + i) != bytes[i]) {
                return false;
            }
        }
        return true;
    }

    /** A datagram from a session of the peer's that addressed one of ours that no longer exists: tell it ours. */
    void announceTo(long session) {
        announceTo = session;
        announcePending = true;
    }

    /**
     * Whether a received message may be delivered: the application is asked about the first
     * message of a conversation the peer opened ({@link EngineOutput#refuse}); a refusal goes to
     * the peer in a CLOSE with its reason, and the conversation is dropped.
     */
    boolean mayDeliver(ByteBuffer message, long now) {
        if (accepted) {
            return true;
        }
        if (removed) {
            return false; // dropped before the application took it: nothing of it is delivered
        }
        String refusal;
        int position = message.position();
        try {
            refusal = output.refuse(address, message);
        } finally {
            message.position(position);
        }
        if (refusal == null) {
            accepted = true;
            return true;
        }
        byte[] reason = refusal.getBytes(StandardCharsets.UTF_8);
        if (reason.length > WireFormat.MAX_CLOSE_REASON) {
            int cut = WireFormat.MAX_CLOSE_REASON;
            while ((reason[cut] & 0xc0) == 0x80) {
                cut--; // not inside a character: the peer accepts only well-formed UTF-8
            }
            reason = Arrays.copyOf(reason, cut);
        }
        sendClose(WireFormat.CLOSE_REFUSED, reason, now);
        engine.drop(this, DisconnectReason.REFUSED, "refused: " + refusal, now);
        return false;
    }

    /** A snapshot of this conversation for {@link io.github.udpkit.api.Endpoint#connections()}. */
    ConnectionStats stats() {
        long judged = packetsAcked + packetsLost;
        return new ConnectionStats(address, Duration.ofNanos(rtt.hasSample() ? rtt.smoothed() : 0),
                Duration.ofNanos(rtt.hasSample() ? rtt.variation() : 0),
                judged == 0 ? 0 : (double) packetsLost / judged, congestion.window(), sent.bytesInFlight(),
                retransmitted, datagramsSent, bytesSent, datagramsReceived, bytesReceived);
    }

    /**
     * Runs the due timers, then transmits what the windows allow.
     *
     * @return the connection's next deadline; {@link Engine#NO_DEADLINE} when dropped
     */
    long update(long now) {
        if (records != null && !records.session.isEstablished()) {
            // Before the handshake completes only its timers run, and nothing of ours goes out:
            // what waits is sent when it completes (the engine marks the connection ready then).
            long deadline = records.session.update(now, records);
            if (!records.session.isHandshaking()) {
                engine.afterRecords(this, now);
            }
            return removed || engine.isClosed() ? NO_DEADLINE : deadline;
        }
        runTimers(now);
        if (!removed && !engine.isClosed()) {
            flush(now);
        }
        return removed || engine.isClosed() ? NO_DEADLINE : deadline();
    }

    /**
     * The connection was dropped from the engine: deliver what it holds complete (unless the
     * endpoint itself closed), release its reassembly memory and fail its pending sends.
     */
    void onDropped(DisconnectReason reason, String detail, long now) {
        removed = true;
        if (reason != DisconnectReason.CLOSED_LOCALLY) {
            for (int i = 0; i < active.size(); i++) {
                active.get(i).inbound.flushOrdered(now);
            }
        }
        for (int i = 0; i < active.size(); i++) {
            active.get(i).inbound.releaseAll();
        }
        failPending(reason, detail, now);
    }

    /**
     * An authenticated datagram of this session arrived from another address than the
     * connection's. The packet-number window has already dropped a copy of one received before,
     * so this is new. If it echoes the challenge we sent to that address, the address is proven:
     * the session moves there. Else, if it is the newest datagram of the session (not one
     * overtaken on the old path), the address becomes the candidate and is challenged, within
     * three times the bytes it sent; until it answers, the old path keeps being used.
     */
    void onOtherPath(InetSocketAddress from, WireReader reader, ByteBuffer b, int size, long packetNumber,
            long now) {
        if (pathChallenge != null && from.equals(pathCandidate) && reader.tokenOffset() >= 0
                && sameBytes(b, reader.tokenOffset(), reader.tokenLength(), pathChallenge)) {
            pathCandidate = null;
            pathChallenge = null;
            engine.migrate(this, from, now);
            if (pathMtu != null) {
                pathMtu.onNewPath(now); // what the old path carried says nothing of the new one
            }
            return;
        }
        if (packetNumber <= received.largest()) {
            return;
        }
        if (!from.equals(pathCandidate)) {
            pathCandidate = from;
            pathChallenge = engine.newChallenge();
            pathChallengeAt = now - engine.controlInterval;
            pathBytesIn = 0;
            pathBytesOut = 0;
        }
        pathBytesIn += size;
        if (now - pathChallengeAt < engine.controlInterval) {
            return;
        }
        PacketBuilder builder = engine.builder;
        long destination = remoteSession != 0 ? remoteSession : announceTo;
        int at = builder.start(localSession, destination, nextPacketNumber, null);
        at = WireWriter.writeRetry(builder.buffer(), at, pathChallenge, 0, pathChallenge.length);
        if (pathBytesOut + at + engine.protection.overhead() > 3 * pathBytesIn) {
            return; // no amplification: wait for more from the candidate
        }
        nextPacketNumber++;
        pathChallengeAt = now;
        int challengeSize = builder.send(from, at, records);
        pathBytesOut += challengeSize;
        datagramsSent++;
        bytesSent += challengeSize;
        metrics.pathChallenges.increment();
    }

    /** Receives the frames of one accepted datagram and applies them to this connection. */
    private final class FrameHandler implements FrameVisitor {
        long now;
        boolean refused;
        boolean closeSeen;
        long closeCode;
        String closeReason;

        void begin(long time) {
            this.now = time;
            this.refused = false;
            this.closeSeen = false;
            duplicate = false;
        }

        private boolean alive() {
            return !engine.isClosed() && !removed;
        }

        @Override
        public boolean onPing() {
            return true;
        }

        @Override
        public boolean onAck(AckRanges ranges, long ackDelayMicros, long receiveWindow) {
            handleAck(ranges, ackDelayMicros, receiveWindow, now);
            return alive();
        }

        @Override
        public boolean onClose(long code, ByteBuffer buffer, int offset, int length) {
            closeSeen = true;
            closeCode = code;
            byte[] reason = new byte[length];
            buffer.get(offset, reason, 0, length);
            closeReason = new String(reason, StandardCharsets.UTF_8); // the reader checked it is UTF-8
            return false;
        }

        @Override
        public boolean onData(int channelId, DeliveryMode mode, long sequence, int totalLength, int fragSize,
                int fragmentIndex, ByteBuffer buffer, int offset, int length) {
            if (!channel(channelId).inbound.handleData(mode, sequence, totalLength, fragSize, fragmentIndex, buffer, offset, length, now)) {
                refused = true;
            }
            return alive();
        }
    }

    // ------------------------------------------------------------------------------ acknowledging

    private void handleAck(AckRanges ranges, long ackDelayMicros, long window, long now) {
        long largest = ranges.high(0);
        if (largest >= nextPacketNumber) {
            metrics.malformed.increment(); // acknowledges a packet never sent
            return;
        }
        peerWindow = window;
        if (pathMtu != null && pathMtu.probePacket() >= 0 && acknowledges(ranges, pathMtu.probePacket())) {
            if (pathMtu.probePacket() == largest && largest > largestAcked) {
                // A probe is ack-eliciting and acknowledged at once: an RTT sample, which a peer
                // that only acknowledges data has no other source of.
                sampleRtt(now - pathMtu.probeSentAt(), ackDelayMicros, now);
            }
            pathMtu.onProbeAcked(now);
        }
        int spurious = reordering.spurious(ranges);
        if (spurious > 0) {
            metrics.spuriousLosses.add(spurious);
        }
        long largestSentAt = -1;
        long priorLargest = largestAcked;
        boolean newlyAcked = false;
        for (int i = 0; i < ranges.count(); i++) {
            long low = Math.max(ranges.low(i), sent.base());
            for (long pn = ranges.high(i); pn >= low; pn--) {
                int slot = sent.slotOf(pn);
                if (slot < 0) {
                    continue;
                }
                if (pn == largest) {
                    largestSentAt = sent.sentAt(slot);
                }
                if (pn < priorLargest) {
                    reordering.outOfOrder(); // acknowledged after a later packet was
                }
                packetAcked(slot);
                newlyAcked = true;
            }
            if (ranges.low(i) <= sent.base()) {
                break;
            }
        }
        if (largestSentAt >= 0) {
            sampleRtt(now - largestSentAt, ackDelayMicros, now);
        }
        boolean newLargest = largest > priorLargest;
        if (newLargest) {
            largestAcked = largest;
        }
        // An ACK of a probe that carried no data (a PING) acknowledges nothing tracked, but it
        // raises the largest acknowledged packet: what it leaves out is lost, and the path works.
        if (newlyAcked || newLargest) {
            detectLosses(now);
            probeCount = 0;
            probesPending = 0;
            secondProbeAt = NO_DEADLINE;
            sent.advanceBase(nextPacketNumber);
            completeAll();
        }
    }

    private void sampleRtt(long elapsed, long ackDelayMicros, long now) {
        long delay = Math.min(ackDelayMicros, MAX_ACK_DELAY_MICROS) * 1000;
        if (!rtt.hasSample()) {
            firstSampleAt = now;
        }
        rtt.sample(elapsed, delay);
        metrics.smoothedRttNanos.set(rtt.smoothed());
    }

    private void packetAcked(int slot) {
        for (int i = 0, n = sent.refCount(slot); i < n; i++) {
            OutMessage m = sent.refMessage(slot, i);
            int fragment = m.index(sent.refFragment(slot, i)); // negative: a piece of an earlier cut, ignored
            if (!m.done && fragment >= 0 && m.markAcked(fragment) && m.allAcked()) {
                finish(m);
            }
        }
        long sentAt = sent.sentAt(slot);
        int size = sent.size(slot);
        sent.release(slot, true);
        packetsAcked++;
        if (pathMtu != null) {
            pathMtu.onAcked(size);
        }
        congestion.onAcked(size, sentAt);
    }

    /** Marks a message done and schedules its completion (run by {@link #completeAll}). */
    private void finish(OutMessage m) {
        m.done = true;
        pendingMessages--;
        pendingBytes -= m.length;
        engine.completions.add(m);
    }

    /** Completes finished messages' futures, after the engine's state is consistent (callbacks may re-enter). */
    private void completeAll() {
        for (int i = 0; i < engine.completions.size(); i++) {
            OutMessage m = engine.completions.get(i);
            m.completion.complete(null);
            engine.messagePool.completed(m);
        }
        engine.completions.clear();
    }

    /**
     * RFC 9002 loss detection: a packet is lost once one sent {@value #PACKET_THRESHOLD} later is
     * acknowledged, or once it is 9/8 of an RTT older than the newest acknowledged one; the loss
     * timer catches the second case when no further ACK comes. On a path seen to reorder, only
     * time counts, with a reordering window that adapts to spurious losses ({@link Reordering}).
     * The packets lost are one congestion event; if they span the persistent-congestion duration
     * with nothing acknowledged in between, the window collapses (RFC 9002 section 7.6).
     */
    private void detectLosses(long now) {
        long lossDelay = rtt.hasSample() ? rtt.lossDelay(reordering.multiplier()) : NO_DEADLINE;
        boolean byCount = !reordering.seen();
        long nextLossTime = NO_DEADLINE;
        long newestLostSentAt = NO_DEADLINE;
        // The current run of lost packets (in packet number order, nothing acknowledged within).
        long runStart = NO_DEADLINE;
        long runEnd = NO_DEADLINE;
        boolean persistent = false;
        long persistentDuration = rtt.hasSample() ? rtt.persistentCongestionDuration() : NO_DEADLINE;
        for (long pn = sent.base(); pn < largestAcked; pn++) {
            int slot = sent.slotOf(pn);
            if (slot < 0) {
                if (sent.wasAcked(pn)) {
                    runStart = NO_DEADLINE;
                }
                continue;
            }
            long sentAt = sent.sentAt(slot);
            if ((byCount && largestAcked - pn >= PACKET_THRESHOLD) || now - sentAt >= lossDelay) {
                reordering.declaredLost(pn);
                if (pathMtu != null && pathMtu.onLost(sent.size(slot), now)) {
                    metrics.mtuBlackHoles.increment();
                    LOG.debug("path to {} no longer carries large datagrams; back to {} bytes", address,
                            pathMtu.current());
                }
                declareLost(slot, pn);
                congestion.onLost();
                packetsLost++;
                newestLostSentAt = newestLostSentAt == NO_DEADLINE ? sentAt : Math.max(newestLostSentAt, sentAt);
                if (sentAt >= firstSampleAt) {
                    if (runStart == NO_DEADLINE) {
                        runStart = sentAt;
                    }
                    runEnd = sentAt;
                    persistent |= runEnd - runStart >= persistentDuration;
                }
            } else {
                runStart = NO_DEADLINE;
                if (lossDelay != NO_DEADLINE) {
                    nextLossTime = Math.min(nextLossTime, sentAt + lossDelay);
                }
            }
        }
        if (newestLostSentAt != NO_DEADLINE) {
            reordering.recovery();
            if (congestion.onCongestionEvent(newestLostSentAt, now, rtt.queued(congestion.window()))) {
                metrics.congestionEvents.increment();
            }
            if (persistent) {
                metrics.persistentCongestion.increment();
                congestion.onPersistentCongestion(now);
            }
        }
        lossTime = nextLossTime;
    }

    /**
     * Takes a packet out of flight as lost and queues its unacknowledged fragments for
     * retransmission, each once, and only if this packet carried its newest copy: a probe may
     * have sent another copy that is still in flight.
     */
    private void declareLost(int slot, long pn) {
        for (int i = 0, n = sent.refCount(slot); i < n; i++) {
            OutMessage m = sent.refMessage(slot, i);
            int piece = sent.refFragment(slot, i);
            int fragment = m.index(piece);
            if (!m.done && fragment >= 0 && !m.isAcked(fragment) && m.lastPacket(fragment) == pn
                    && m.markQueued(fragment)) {
                retransmits.add(m, piece);
                m.holds++;
            }
        }
        sent.release(slot, false);
    }

    /**
     * RFC 9002 section 6.2: nothing was acknowledged for a probe timeout. Declares nothing lost and
     * leaves the congestion window alone (a timeout is no evidence of congestion: the data or its
     * acknowledgements may have met random loss); sends two probes instead, beyond the window,
     * each with a PING so that the peer acknowledges at once, the second a quarter of a probe
     * timeout after the first ({@link #PROBE_SPACING}). The acknowledgement of either lets loss
     * detection find what else was lost. The next probe timeout is half as long again.
     *
     * <p>The first probe carries the oldest unacknowledged data, so that a lost tail is repaired
     * by the probe itself and a receiver waiting for it to deliver in order gets it as soon as
     * anything gets through; the second, at {@link #onSecondProbe}, other data.
     */
    private void onProbeTimeout(long now) {
        metrics.probeTimeouts.increment();
        probeCount = Math.min(probeCount + 1, MAX_PROBE_COUNT);
        probesPending = 1;
        secondProbeAt = now + rtt.probeTimeout(probeCount) / PROBE_SPACING;
        lastDataSentAt = now;
        queueProbeData(engine.fragmentSize, true);
    }

    /**
     * The second probe of a probe timeout: the oldest data in flight that no probe carried yet,
     * else new data, else only the PING. Data a probe carried is not sent again by it while that
     * probe's fate is unknown: when acknowledgements are lost in a burst, sending the same
     * fragments on every timeout only used up their {@code maxTransmissions}.
     */
    private void onSecondProbe(long now) {
        secondProbeAt = NO_DEADLINE;
        probesPending = 1;
        lastDataSentAt = now;
        queueProbeData(engine.fragmentSize, false);
    }

    /**
     * Queues unacknowledged fragments of packets in flight, oldest first, up to {@code budget}
     * bytes: with {@code oldest}, whatever packet holds them; else only from the packet that
     * holds their newest copy, and not from packets that were probes.
     */
    private void queueProbeData(long budget, boolean oldest) {
        for (long pn = sent.base(); pn < nextPacketNumber && budget > 0; pn++) {
            int slot = sent.slotOf(pn);
            if (slot < 0 || (!oldest && sent.isProbe(slot))) {
                continue;
            }
            for (int i = 0, n = sent.refCount(slot); i < n && budget > 0; i++) {
                OutMessage m = sent.refMessage(slot, i);
                int piece = sent.refFragment(slot, i);
                int fragment = m.index(piece);
                if (!m.done && fragment >= 0 && !m.isAcked(fragment) && (oldest || m.lastPacket(fragment) == pn)
                        && m.markQueued(fragment)) {
                    retransmits.add(m, piece);
                    m.holds++;
                    budget -= m.fragmentLength(fragment);
                }
            }
        }
    }

    // ---------------------------------------------------------------------------------- sending

    /** Fires, in {@link Timer} order, every timer that is due; stops once the connection is dropped. */
    private void runTimers(long now) {
        for (Timer t : Timer.ALL) {
            if (removed) {
                return;
            }
            if (now >= deadline(t)) {
                fire(t, now);
            }
        }
    }

    /** When a timer is due; {@link Engine#NO_DEADLINE} when it is not armed. The one definition of each timer. */
    long deadline(Timer t) {
        switch (t) {
            case IDLE:
                return lastReceiveAt + config.idleTimeoutNanos();
            case DELIVERY_DEADLINE: {
                OutMessage oldest = oldestReliable();
                return oldest == null || oldest.firstSentAt == OutMessage.NOT_SENT ? NO_DEADLINE
                        : oldest.firstSentAt + config.deliveryDeadlineNanos();
            }
            case LOSS:
                return lossTime;
            case SECOND_PROBE:
                return secondProbeAt;
            case PROBE:
                return probeDeadline();
            case KEEP_ALIVE:
                // An ACK about to go out keeps the conversation alive as well as a PING would.
                return config.keepAliveNanos() > 0 && sent.inFlight() == 0 && !ackPending
                        ? lastSendAt + config.keepAliveNanos() : NO_DEADLINE;
            case REASSEMBLY: {
                long d = NO_DEADLINE;
                for (int i = 0; i < active.size(); i++) {
                    d = Math.min(d, active.get(i).inbound.lossyExpiry);
                }
                return d;
            }
            case PATH_MTU:
                return pathMtu == null ? NO_DEADLINE : pathMtu.deadline(rtt.probeTimeout());
            case PACE:
                return paceAt;
            case ACK:
                return ackPending ? ackDeadline : NO_DEADLINE;
            case ANNOUNCE:
                return announcePending ? lastAnnounceAt + engine.controlInterval : NO_DEADLINE;
            default:
                throw new AssertionError(t);
        }
    }

    private boolean due(Timer t, long now) {
        return now >= deadline(t);
    }

    /** What a timer does when it is due. */
    private void fire(Timer t, long now) {
        switch (t) {
            case IDLE:
                engine.drop(this, DisconnectReason.TIMED_OUT, "peer timed out", now);
                break;
            case DELIVERY_DEADLINE:
                engine.drop(this, DisconnectReason.UNREACHABLE, "delivery deadline passed", now);
                break;
            case LOSS:
                detectLosses(now);
                sent.advanceBase(nextPacketNumber);
                break;
            case SECOND_PROBE:
                onSecondProbe(now);
                break;
            case PROBE:
                onProbeTimeout(now);
                break;
            case KEEP_ALIVE:
                pingPending = true;
                break;
            case REASSEMBLY:
                for (int i = 0; i < active.size(); i++) {
                    Receiver r = active.get(i).inbound;
                    if (now >= r.lossyExpiry) {
                        r.expireLossy(now);
                    }
                }
                break;
            case PATH_MTU:
                pathMtu.onTimeout(now);
                break;
            case PACE:
            case ACK:
            case ANNOUNCE:
                break; // flush() sends what they are due for
            default:
                throw new AssertionError(t);
        }
    }

    /** The earliest deadline of the connection's timers. */
    long deadline() {
        long d = NO_DEADLINE;
        for (Timer t : Timer.ALL) {
            d = Math.min(d, deadline(t));
        }
        return d;
    }

    /**
     * The reliable message whose delivery deadline comes first: of the oldest unacknowledged
     * message of each space (sent in order, so the earliest first transmission of its space),
     * the one sent first. Null if neither has been transmitted.
     */
    private OutMessage oldestReliable() {
        OutMessage first = null;
        for (int i = 0; i < active.size(); i++) {
            Channel c = active.get(i);
            first = earlier(first, earlier(oldestUnacked(c.unackedOrdered), oldestUnacked(c.unackedUnordered)));
        }
        return first;
    }

    /** Of two unacknowledged messages, the one transmitted first; null if neither has been. */
    private static OutMessage earlier(OutMessage a, OutMessage b) {
        if (a == null || a.firstSentAt == OutMessage.NOT_SENT) {
            return b == null || b.firstSentAt == OutMessage.NOT_SENT ? null : b;
        }
        return b == null || b.firstSentAt == OutMessage.NOT_SENT || a.firstSentAt <= b.firstSentAt ? a : b;
    }

    private long probeDeadline() {
        return sent.inFlight() == 0 ? NO_DEADLINE : lastDataSentAt + rtt.probeTimeout(probeCount);
    }

    private void flush(long now) {
        if (pathMtu != null && pathMtu.wantsProbe() && remoteSession != 0
                && sent.hasRoom(nextPacketNumber + 1) && congestion.canSend(sent.bytesInFlight())) {
            sendPathMtuProbe(now);
        }
        paceAt = NO_DEADLINE;
        while (!removed && !engine.isClosed()) {
            sent.advanceBase(nextPacketNumber);
            boolean probe = probesPending > 0;
            boolean canSendData = sent.hasRoom(nextPacketNumber)
                    && (probe || sent.inFlight() < config.maxInFlightDatagrams()
                            && congestion.canSend(sent.bytesInFlight()));
            boolean data = canSendData && hasSendable();
            if (data && pacer != null && !probe) {
                // Datagrams are paced, not counted: a datagram may leave while the bucket holds
                // anything, and takes its full size out of it.
                long at = pacer.nextSendTime(now, 1, congestion.window(),
                        rtt.hasSample() ? rtt.smoothed() : config.initialRtoNanos(), datagramSize());
                if (at > now) {
                    paceAt = at;
                    data = false;
                }
            }
            boolean announce = due(Timer.ANNOUNCE, now);
            boolean ping = pingPending || announce || probe;
            boolean ack = ackPending && (due(Timer.ACK, now) || data || ping);
            if (!data && !ping && !ack) {
                return;
            }
            sendDatagram(now, data, ping, announce, probe);
        }
    }

    private boolean hasSendable() {
        FragmentQueue rq = retransmits;
        while (!rq.isEmpty()) {
            OutMessage m = rq.peekMessage();
            int fragment = m.index(rq.peekFragment());
            if (fragment >= 0 && !m.done && !m.isAcked(fragment)) {
                return true;
            }
            if (fragment >= 0) {
                m.unqueue(fragment); // a piece of an earlier cut has no queued bit of the current one
            }
            rq.removeFirst();
            engine.messagePool.release(m);
        }
        OutMessage head = sendQueue.peekFirst();
        return head != null && windowOpen(head);
    }

    /** Flow control: a reliable message goes out only within the receiver's window of its oldest unacknowledged one. */
    private boolean windowOpen(OutMessage m) {
        if (!m.reliable()) {
            return true;
        }
        OutMessage oldest = oldestUnacked(channels[m.channel].unacked(m.mode));
        return oldest == null || m.sequence - oldest.sequence < Math.min(config.receiveWindow(), peerWindow);
    }

    /**
     * Builds and transmits one datagram: ACK first, then retransmissions, then new messages,
     * packed. A probe also carries a PING, so that it is acknowledged at once.
     */
    private void sendDatagram(long now, boolean data, boolean ping, boolean announce, boolean probe) {
        PacketBuilder builder = engine.builder;
        ByteBuffer b = builder.buffer();
        long pn = nextPacketNumber;
        long destination = remoteSession != 0 ? remoteSession : announceTo;
        int at = builder.start(localSession, destination, pn, pathResponse != null ? pathResponse : token);
        pathResponse = null;
        int bodyStart = at;
        // A probe timeout may mean the path no longer carries the size in use: its probes keep to
        // the base size, so that they get through and their acknowledgements expose the loss.
        int end = probe ? engine.datagramRoom - PING_LENGTH : datagramRoom();
        boolean ackCopy = false;
        if (ackPending) {
            // The reserve holds a TOKEN and an ACK together, so a full DATA frame still fits.
            int limit = data ? Math.min(end, builder.headerLength() + EngineConfig.ACK_RESERVE) : end;
            int next = builder.ack(at, limit, received, now);
            if (next == PacketBuilder.NOTHING_TO_ACK) {
                ackPending = false;
            } else if (next > 0) {
                at = next;
                ackPending = false;
                ackElicitingSinceAck = 0;
                ackCopy = ackCopies > 0 && !data;
                if (data) {
                    ackCopies = 0; // it rides on data: no copy of its own
                }
            }
        }
        int slot = -1;
        boolean carriesData = false;
        OutMessage exhausted = null;
        if (data) {
            FragmentQueue rq = retransmits;
            while (true) {
                OutMessage m;
                int fragment;
                boolean retransmit;
                if (!rq.isEmpty()) {
                    m = rq.peekMessage();
                    fragment = m.index(rq.peekFragment());
                    if (fragment < 0 || m.done || m.isAcked(fragment)) {
                        if (fragment >= 0) {
                            m.unqueue(fragment);
                        }
                        rq.removeFirst();
                        engine.messagePool.release(m);
                        continue;
                    }
                    retransmit = true;
                } else {
                    m = sendQueue.peekFirst();
                    if (m == null || !windowOpen(m)) {
                        break;
                    }
                    fragment = m.nextFragment;
                    retransmit = false;
                }
                if (pathMtu != null && m.cutExceeds(pathMaxWholePayload(), pathFragmentSize())) {
                    recut(m, retransmit);
                    continue;
                }
                int length = m.fragmentLength(fragment);
                int total = m.length;
                if (WireWriter.dataLength(m.channel, m.sequence, total, m.fragmentSize, fragment, length) > end - at) {
                    break;
                }
                if (retransmit && m.transmissions(fragment) >= config.maxTransmissions()) {
                    exhausted = m;
                    break;
                }
                at = WireWriter.writeData(b, at, m.channel, m.mode, m.sequence, total, m.fragmentSize, fragment, m.payload,
                        m.fragmentOffset(fragment), length);
                carriesData = true;
                if (slot < 0) {
                    slot = sent.open(pn);
                }
                if (m.firstSentAt == OutMessage.NOT_SENT) {
                    m.firstSentAt = now;
                }
                if (m.reliable()) {
                    sent.addRef(slot, m, m.piece(fragment));
                    m.holds++;
                    if (m.recordTransmission(fragment, pn) > 1) {
                        metrics.retransmissions.increment();
                        retransmitted++;
                    }
                }
                if (retransmit) {
                    m.unqueue(fragment);
                    rq.removeFirst();
                    engine.messagePool.release(m);
                } else if (++m.nextFragment == m.fragmentCount) {
                    sendQueue.removeFirst();
                    if (!m.reliable()) {
                        finish(m);
                    }
                    engine.messagePool.release(m); // after finish: the completion still holds it
                }
            }
        }
        if (exhausted != null && !carriesData) {
            engine.drop(this, DisconnectReason.UNREACHABLE, "retries exhausted", now);
            return;
        }
        if (ping) {
            if (!carriesData || probe) {
                at = WireWriter.writePing(b, at);
            }
            if (probe) {
                probesPending--;
            }
            pingPending = false;
            if (announce) {
                announcePending = false;
                lastAnnounceAt = now;
            }
        }
        if (at == bodyStart) {
            throw new IllegalStateException("engine bug: empty datagram to " + address);
        }
        // A datagram that opens a conversation, or a lone PING, may reach a server that answers
        // it with a RETRY, which is never larger than what it answers: make room for one.
        if ((carriesData || ping) && (destination == 0 || !carriesData)) {
            at = builder.padForRetry(at);
        }
        int size = builder.send(address, at, records);
        datagramsSent++;
        bytesSent += size;
        if (carriesData) {
            sent.commit(slot, now, size, probe);
            lastDataSentAt = now;
            if (pacer != null && !probe) {
                pacer.onSent(size);
            }
        }
        nextPacketNumber = pn + 1;
        lastSendAt = now;
        if (ackCopy && !carriesData) {
            ackCopies--;
            ackPending = true; // flush() sends the copy next, in a datagram of its own
        }
        completeAll();
    }

    /**
     * The path shrank below what a piece of the message needs: cut it again into base-size
     * fragments, under the same sequence number, and send every one of them from the send queue's
     * head. Its pieces of the earlier cut, in flight or queued for retransmission, are ignored from
     * now on (their piece numbers are below the new cut's). The receiver drops what it holds of
     * the earlier cut when a piece of the new one arrives, or, if it already has the message,
     * acknowledges the new pieces as duplicates.
     *
     * @param retransmit whether the message was found at the head of the retransmission queue
     *     (that entry is taken off) rather than of the send queue
     */
    private void recut(OutMessage m, boolean retransmit) {
        boolean inSendQueue = m.nextFragment < m.fragmentCount;
        m.recut(engine.fragmentSize);
        metrics.mtuRecuts.increment();
        if (retransmit) {
            retransmits.removeFirst();
            if (!inSendQueue) {
                // Fits: the send queue holds only pending messages, at most maxQueuedMessages, and this one is pending outside it.
                if (!sendQueue.addFirst(m)) {
                    throw new IllegalStateException("engine bug: send queue to " + address + " over its capacity");
                }
                m.holds++;
            }
            engine.messagePool.release(m);
        }
    }

    /** The largest message sent whole on this path now (the configured size's without path MTU discovery). */
    private int pathMaxWholePayload() {
        return pathMtu == null ? engine.maxWholePayload : config.maxWholePayload(pathMtu.current());
    }

    /** The fragment size that fills a datagram on this path now. */
    private int pathFragmentSize() {
        return pathMtu == null ? engine.fragmentSize : config.fragmentSize(pathMtu.current());
    }

    /** The largest datagram to this peer now: the size discovered for its path, or the configured one. */
    int datagramSize() {
        return pathMtu == null ? config.maxDatagramSize() : pathMtu.current();
    }

    /** The room for frames in a datagram to this peer, after the protection's overhead. */
    private int datagramRoom() {
        return pathMtu == null ? engine.datagramRoom : pathMtu.current() - engine.protection.overhead();
    }

    /**
     * Sends a path MTU probe (RFC 8899 section 4.1): a PING padded to the size being tried. It is
     * acknowledged at once if it arrives; it carries no data, is not counted in flight, and its
     * loss is the probe's answer (too big), never congestion.
     */
    private void sendPathMtuProbe(long now) {
        PacketBuilder builder = engine.builder;
        long pn = nextPacketNumber;
        int at = builder.start(localSession, remoteSession, pn, null);
        at = WireWriter.writePing(builder.buffer(), at);
        int end = pathMtu.probeSize() - engine.protection.overhead();
        if (end > at) {
            at = WireWriter.writePadding(builder.buffer(), at, end);
        }
        int size = builder.send(address, at, records);
        datagramsSent++;
        bytesSent += size;
        nextPacketNumber = pn + 1;
        lastSendAt = now;
        pathMtu.onProbeSent(pn, now);
        metrics.mtuProbes.increment();
    }

    private static boolean acknowledges(AckRanges ranges, long packetNumber) {
        for (int i = 0; i < ranges.count(); i++) {
            if (packetNumber >= ranges.low(i) && packetNumber <= ranges.high(i)) {
                return true;
            }
        }
        return false;
    }

    /**
     * Says goodbye, with the acknowledgement still owed riding along: a peer whose last message
     * arrived just before the close must not go on retransmitting it to nobody, and fail.
     */
    void sendClose(long code, byte[] reason, long now) {
        PacketBuilder builder = engine.builder;
        long destination = remoteSession != 0 ? remoteSession : announceTo;
        int at = builder.start(localSession, destination, nextPacketNumber++, null);
        if (ackPending) {
            int next = builder.ack(at, engine.datagramRoom - CLOSE_RESERVE, received, now);
            if (next > 0) {
                at = next;
                ackPending = false;
            }
        }
        at = WireWriter.writeClose(builder.buffer(), at, code, reason);
        bytesSent += builder.send(address, at, records);
        datagramsSent++;
    }

    /** The unacknowledged rings of every channel, and the send queue after them if asked. */
    private List<ObjectRing<OutMessage>> rings(boolean withQueue) {
        List<ObjectRing<OutMessage>> rings = new ArrayList<>(2 * active.size() + 1);
        for (int i = 0; i < active.size(); i++) {
            rings.add(active.get(i).unackedOrdered);
            rings.add(active.get(i).unackedUnordered);
        }
        if (withQueue) {
            rings.add(sendQueue);
        }
        return rings;
    }

    private void failPending(DisconnectReason reason, String detail, long now) {
        List<OutMessage> failed = new ArrayList<>();
        for (ObjectRing<OutMessage> ring : rings(true)) {
            for (int i = 0; i < ring.size(); i++) {
                OutMessage m = ring.get(i);
                if (!m.done) {
                    m.done = true;
                    failed.add(m);
                }
            }
            ring.clear();
        }
        retransmits.clear();
        sent.clear(nextPacketNumber);
        pendingMessages = 0;
        pendingBytes = 0;
        failed.sort(Comparator.comparingLong(m -> m.order));
        for (OutMessage m : failed) {
            RuntimeException e;
            if (records != null && records.session.failure() != null) {
                // Nothing was ever sent: the handshake failed, and its failure names the peer and the alert.
                metrics.deliveryFailures.increment();
                e = records.session.failure();
            } else if (reason == DisconnectReason.CLOSED_LOCALLY) {
                e = new EndpointClosedException(detail + " before the message to " + address
                        + " was " + (m.reliable() ? "acknowledged" : "sent"));
            } else {
                metrics.deliveryFailures.increment();
                e = new DeliveryException(address, m.attempts(), Duration.ofNanos(Math.max(0, now - m.enqueuedAt)),
                        detail);
            }
            m.completion.completeExceptionally(e);
        }
    }

    /**
     * The peer has a new session: it restarted, or dropped and re-created its state for us. What
     * it received before is gone, so: deliver what we hold complete, forget what we received,
     * take a new session of our own (so that nothing it sends to our old one is accepted), and
     * send every unacknowledged message again from scratch, renumbered from zero in send order.
     * Messages its old session acknowledged stay acknowledged.
     */
    void restart(long newRemote, long now) {
        metrics.peerRestarts.increment();
        LOG.debug("peer {} has a new session; restarting the conversation", address);
        for (int i = 0; i < active.size() && !removed && !engine.isClosed(); i++) {
            active.get(i).inbound.flushOrdered(now);
        }
        if (removed || engine.isClosed()) {
            return;
        }
        for (int i = 0; i < active.size(); i++) {
            active.get(i).inbound.releaseAll();
        }
        resetReceiveState();
        List<OutMessage> resend = new ArrayList<>();
        for (ObjectRing<OutMessage> ring : rings(false)) {
            for (int i = 0; i < ring.size(); i++) {
                OutMessage m = ring.get(i);
                if (!m.done && m.nextFragment == m.fragmentCount) { // sent whole at least once; not in the queue
                    resend.add(m);
                }
            }
            ring.clear();
        }
        resend.sort(Comparator.comparingLong(m -> m.order));
        while (!sendQueue.isEmpty()) {
            resend.add(sendQueue.removeFirst());
        }
        for (int i = 0; i < active.size(); i++) {
            Arrays.fill(active.get(i).nextSequence, 0);
        }
        for (OutMessage m : resend) {
            Channel channel = channels[m.channel];
            m.restart(channel.nextSequence[WireFormat.modeCode(m.mode)]++);
            // The rings were cleared without counting down: these messages are never reused.
            sendQueue.addLast(m);
            m.holds++;
            if (m.reliable()) {
                channel.unacked(m.mode).addLast(m);
                m.holds++;
            }
        }
        retransmits.clear();
        sent.clear(nextPacketNumber);
        congestion.reset();
        probeCount = 0;
        probesPending = 0;
        secondProbeAt = NO_DEADLINE;
        largestAcked = -1;
        lossTime = NO_DEADLINE;
        peerWindow = config.receiveWindow();
        localSession = engine.newSessionId();
        remoteSession = newRemote;
        announcePending = false;
        announceTo = 0;
    }
}
