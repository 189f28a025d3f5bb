package io.github.udpkit.core.security;

import static com.google.common.base.Preconditions.checkArgument;

import io.github.udpkit.core.protocol.PacketProtection;
import io.github.udpkit.core.wire.WireFormat;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The encryption of udpkit's framed modes: a {@link PacketProtection} that seals every datagram
 * with an AEAD (AES-256-GCM or ChaCha20-Poly1305) under keys derived from a pre-shared
 * {@link Key} and the two session ids in the datagram's header. The header is the associated
 * data (authenticated, readable), the frames are encrypted, a 16-byte tag follows them.
 *
 * <pre>{@code
 * Endpoint<String> ep = Udp.endpoint(Codecs.utf8()).mode(DeliveryMode.RELIABLE).encryption(key).open();
 * // or, for an engine driven directly:
 * EngineConfig config = EngineConfig.builder().protection(AeadProtection.of(key)).build();
 * }</pre>
 *
 * <p><b>Keys.</b> A datagram from session {@code S} to session {@code D} (0 while the sender does
 * not know the receiver's session yet) is sealed under the keys of direction {@code S→D} (see
 * {@link SessionKeys}), at generation {@code pn >>> 22}: every 2<sup>22</sup> packet numbers the
 * keys change, far below AES-GCM's limit of 2<sup>23</sup> packets per key, and both ends know the
 * generation from the packet number without any signalling. The nonce is the generation's IV
 * XOR the packet number. The engine never reuses a packet number within a source session, not
 * across its two destination phases nor for a retransmission, so no nonce repeats under a key.
 * Packet numbers above {@link #MAX_PACKET_NUMBER} are refused.
 *
 * <p><b>Replays.</b> {@link #authenticates()} is true, so the engine's window of packet numbers
 * rejects replays after authentication, and nothing moves it before. The engine forgets a peer
 * after its idle timeout, so this class also remembers, per source session, the packet numbers of
 * authenticated first-contact datagrams (destination 0): a captured first datagram sent again
 * later is refused here (counted by the engine as an authentication failure) instead of starting
 * a conversation and delivering its messages twice. That memory is as bounded as the key cache.
 *
 * <p><b>Failures.</b> A datagram that fails authentication is refused before any frame is read and
 * costs no state: keys derived to try it are cached only once a datagram opened under them. A
 * throttled warning (at most one per 10 seconds per kind) says how many failed and from where:
 * {@code "3 datagrams from /10.0.0.7:4000 failed authentication: wrong key or tampering"}, with
 * this end's algorithm and key {@linkplain Key#fingerprint() fingerprint} to compare with the
 * other end's. After {@link AeadAlgorithm#integrityLimit()} failures under one key, that key is
 * refused altogether (RFC 9001 §6.6); the session has to start over.
 *
 * <p><b>Cost.</b> Derived keys and their JCA ciphers are kept in a least-recently-used cache of
 * {@code maxCachedDirections} directions, so a datagram costs one cipher initialisation and the
 * AEAD itself, in place, and no key derivation. Datagrams in heap buffers are sealed in place and
 * opened in place, or from 4 KiB up into a scratch array and copied back (the JDK's GCM opens
 * large datagrams faster so); direct buffers go through one scratch array. Thread-safe: an instance may be shared by
 * engines on several threads, though each endpoint normally has its own.
 *
 * @since 0.1.0
 */
public final class AeadProtection implements PacketProtection {
    /** Packet numbers per key generation, as a shift: generation = packet number {@code >>>} 22. */
    public static final int GENERATION_SHIFT = 22;

    /**
     * The largest packet number that can be sealed: the last of generation 2<sup>31</sup> − 1,
     * which is the wire format's own bound, {@link WireFormat#MAX_PACKET_NUMBER}.
     */
    public static final long MAX_PACKET_NUMBER = WireFormat.MAX_PACKET_NUMBER;

    /** The default bound of the key cache: four directions each for 1,024 peers, the engine's default. */
    public static final int DEFAULT_MAX_CACHED_DIRECTIONS = 4096;

    /** The largest key cache allowed: four directions each for the engine's largest peer table. */
    public static final int MAX_CACHED_DIRECTIONS = 4 << 20;

    /**
     * Sealed bodies from this size up are opened into a scratch array rather than in place. Below
     * it the two cost the same (0.42 µs for 1,200 bytes, JDK 17 and 25); at 8 KiB and up, in place
     * costs twice as much on JDK 25, as its GCM then decrypts through a temporary copy.
     */
    static final int OPEN_INTO_SCRATCH_BYTES = 4096;

    /** The least time between two warnings of one kind. */
    static final long WARNING_INTERVAL_NANOS = 10_000_000_000L;

    private static final Logger LOG = LoggerFactory.getLogger(AeadProtection.class);

    private final Key key;
    private final AeadAlgorithm algorithm;
    private final int maxCachedDirections;
    private final long integrityLimit;
    private final LongSupplier clock;
    private final Consumer<String> warnings;
    /** Access-ordered: iteration starts at the least recently used direction, the one to evict. */
    private final LinkedHashMap<SessionPair, Direction> cache = new LinkedHashMap<>(16, 0.75f, true);
    private final Report authFailures;
    private final Report replays;
    private final Report exhausted;
    private final Report equalSessions;
    /** The last directions used, checked before the map: a conversation alternates between two. */
    private Direction lastSealed;
    private Direction lastOpened;
    /** For datagrams in direct buffers: the JCA is fastest on heap arrays. */
    private byte[] scratch = new byte[0];
    private long keysDerived;
    private long firstContactReplays;

    AeadProtection(Key key, AeadAlgorithm algorithm, int maxCachedDirections, long integrityLimit, LongSupplier clock,
            Consumer<String> warnings) {
        this.key = Objects.requireNonNull(key, "key");
        this.algorithm = Objects.requireNonNull(algorithm, "algorithm");
        checkArgument(maxCachedDirections >= 1 && maxCachedDirections <= MAX_CACHED_DIRECTIONS,
                "maxCachedDirections must be in 1..%s: %s", MAX_CACHED_DIRECTIONS, maxCachedDirections);
        checkArgument(integrityLimit >= 1, "integrityLimit must be positive: %s", integrityLimit);
        this.maxCachedDirections = maxCachedDirections;
        this.integrityLimit = integrityLimit;
        this.clock = Objects.requireNonNull(clock, "clock");
        this.warnings = Objects.requireNonNull(warnings, "warnings");
        String identity = " (this end: " + algorithm + ", key fingerprint " + key.fingerprint()
                + "; both ends need the same key and algorithm)";
        this.authFailures = new Report((n, from) -> plural(n, "datagram") + " from " + from
                + " failed authentication: wrong key or tampering" + identity);
        this.replays = new Report((n, from) -> plural(n, "replayed first-contact datagram") + " from " + from
                + " refused: captured traffic sent again");
        long limit = integrityLimit;
        this.exhausted = new Report((n, from) -> plural(n, "datagram") + " from " + from
                + " refused: their key failed authentication " + limit
                + " times, its integrity limit; the session must start over");
        this.equalSessions = new Report((n, to) -> plural(n, "datagram") + " to " + to
                + " sent undecryptable: source and destination sessions were equal, so both directions would"
                + " share a key (session ids repeat only with a seeded EngineConfig, or by a 2^-64 chance)");
    }

    /**
     * AES-256-GCM under a pre-shared key, with the default key cache.
     *
     * @param key the pre-shared key, the same at both ends
     * @return a new protection, for one endpoint
     */
    public static AeadProtection of(Key key) {
        return of(key, AeadAlgorithm.AES_256_GCM);
    }

    /**
     * The given AEAD under a pre-shared key, with the default key cache.
     *
     * @param key the pre-shared key, the same at both ends
     * @param algorithm the AEAD, the same at both ends
     * @return a new protection, for one endpoint
     */
    public static AeadProtection of(Key key, AeadAlgorithm algorithm) {
        return of(key, algorithm, DEFAULT_MAX_CACHED_DIRECTIONS);
    }

    /**
     * The given AEAD under a pre-shared key, with a key cache of the given bound. A conversation
     * uses two directions (one each way), four while it starts; a smaller cache still works, at
     * the cost of deriving keys again (some microseconds per datagram).
     *
     * @param key the pre-shared key, the same at both ends
     * @param algorithm the AEAD, the same at both ends
     * @param maxCachedDirections 1..{@value #MAX_CACHED_DIRECTIONS}; 4 × the engine's maxPeers fits
     *     every peer
     * @return a new protection, for one endpoint
     */
    public static AeadProtection of(Key key, AeadAlgorithm algorithm, int maxCachedDirections) {
        return new AeadProtection(key, algorithm, maxCachedDirections, algorithm.integrityLimit(), System::nanoTime,
                LOG::warn);
    }

    /**
     * Returns the AEAD algorithm.
     *
     * @return the algorithm
     */
    public AeadAlgorithm algorithm() {
        return algorithm;
    }

    /** {@value AeadAlgorithm#TAG_LENGTH}: the authentication tag. */
    @Override
    public int overhead() {
        return AeadAlgorithm.TAG_LENGTH;
    }

    /** True: a datagram that opens was sealed by a holder of the key. */
    @Override
    public boolean authenticates() {
        return true;
    }

    /**
     * Encrypts the body in place and appends the tag.
     *
     * @throws IllegalArgumentException if the packet number is negative or above
     *     {@link #MAX_PACKET_NUMBER}, or the buffer has no room for the tag
     */
    @Override
    public synchronized void seal(InetSocketAddress peer, long sourceSession, long destinationSession,
            long packetNumber, ByteBuffer datagram, int headerLength) {
        checkArgument(packetNumber >= 0 && packetNumber <= MAX_PACKET_NUMBER,
                "packet number must be in 0..%s: %s", MAX_PACKET_NUMBER, packetNumber);
        int start = datagram.position();
        int end = datagram.limit();
        int bodyLength = end - start - headerLength;
        checkArgument(headerLength >= 0 && bodyLength >= 0, "header length %s exceeds the datagram's %s bytes",
                headerLength, end - start);
        checkArgument(datagram.capacity() - end >= AeadAlgorithm.TAG_LENGTH,
                "the datagram needs %s bytes of room after its body for the tag: %s", AeadAlgorithm.TAG_LENGTH,
                datagram.capacity() - end);
        datagram.limit(end + AeadAlgorithm.TAG_LENGTH);
        if (sourceSession == destinationSession) {
            // Both directions would share a key and number packets independently: never seal so.
            zero(datagram, start + headerLength, end + AeadAlgorithm.TAG_LENGTH);
            equalSessions.record(peer);
            return;
        }
        Direction d = lastSealed;
        if (d == null || d.source != sourceSession || d.destination != destinationSession) {
            SessionPair pair = new SessionPair(sourceSession, destinationSession);
            d = cache.get(pair);
            if (d == null) {
                d = derive(sourceSession, destinationSession);
                insert(pair, d);
            }
            lastSealed = d;
        }
        int g = (int) (packetNumber >>> GENERATION_SHIFT);
        Generation gen = d.find(g);
        if (gen == null) {
            gen = new Generation(d.base.atGeneration(g));
            d.install(gen);
        }
        AeadSealer sealer = gen.sealer();
        if (datagram.hasArray()) {
            sealer.sealInPlace(packetNumber, datagram.array(), datagram.arrayOffset() + start, headerLength,
                    bodyLength);
        } else {
            byte[] s = scratch(headerLength + bodyLength + AeadAlgorithm.TAG_LENGTH);
            datagram.get(start, s, 0, headerLength + bodyLength);
            sealer.sealInPlace(packetNumber, s, 0, headerLength, bodyLength);
            datagram.put(start + headerLength, s, headerLength, bodyLength + AeadAlgorithm.TAG_LENGTH);
        }
    }

    /**
     * Authenticates and decrypts the body in place.
     *
     * @throws IllegalArgumentException if the buffer is read-only: opening decrypts in place
     */
    @Override
    public synchronized boolean open(InetSocketAddress peer, long sourceSession, long destinationSession,
            long packetNumber, ByteBuffer datagram, int headerLength) {
        checkArgument(!datagram.isReadOnly(), "a datagram to open must be writable: it is decrypted in place");
        int start = datagram.position();
        int sealedLength = datagram.limit() - start - headerLength;
        if (headerLength < 0 || sealedLength < AeadAlgorithm.TAG_LENGTH || packetNumber < 0
                || packetNumber > MAX_PACKET_NUMBER || sourceSession == destinationSession) {
            authFailures.record(peer);
            return false;
        }
        Direction d = lastOpened;
        SessionPair pair = null;
        if (d == null || d.source != sourceSession || d.destination != destinationSession) {
            pair = new SessionPair(sourceSession, destinationSession);
            d = cache.get(pair);
            if (d == null) {
                d = derive(sourceSession, destinationSession); // cached only if the datagram opens
            } else {
                pair = null;
            }
        }
        if (destinationSession == 0 && d.firstContact != null && !d.firstContact.check(packetNumber)) {
            firstContactReplays++;
            replays.record(peer);
            return false;
        }
        int g = (int) (packetNumber >>> GENERATION_SHIFT);
        Generation gen = d.find(g);
        boolean newGeneration = gen == null;
        if (newGeneration) {
            if (d.current != null && g < d.current.generation - 1) {
                // At least 2^22 packets older than the newest: never accepted, so never derived for.
                authFailures.record(peer);
                return false;
            }
            gen = new Generation(d.base.atGeneration(g));
        }
        AeadOpener opener = gen.opener();
        if (opener.failedCount() >= integrityLimit) {
            exhausted.record(peer);
            return false;
        }
        int n;
        if (datagram.hasArray() && sealedLength >= OPEN_INTO_SCRATCH_BYTES) {
            // Large datagrams (path MTU discovery packs up to 64 KiB) open into a scratch array and
            // the plaintext is copied back: the JDK's GCM decrypts in place 2.5 times slower than
            // into another array on JDK 25 (10.8 against 4.3 µs for 64 KiB; the copy costs 0.7 µs).
            // Nothing is written to the datagram unless it authenticates.
            byte[] array = datagram.array();
            int offset = datagram.arrayOffset() + start;
            byte[] s = scratch(sealedLength);
            n = opener.open(packetNumber, array, offset, headerLength, array, offset + headerLength, sealedLength, s, 0);
            if (n >= 0) {
                System.arraycopy(s, 0, array, offset + headerLength, n);
            }
        } else if (datagram.hasArray()) {
            n = opener.openInPlace(packetNumber, datagram.array(), datagram.arrayOffset() + start, headerLength,
                    sealedLength);
        } else {
            byte[] s = scratch(headerLength + sealedLength);
            datagram.get(start, s, 0, headerLength + sealedLength);
            n = opener.openInPlace(packetNumber, s, 0, headerLength, sealedLength);
            if (n >= 0) {
                datagram.put(start + headerLength, s, headerLength, n);
            }
        }
        if (n < 0) {
            authFailures.record(peer);
            return false;
        }
        if (newGeneration) {
            d.install(gen);
        }
        if (pair != null) {
            insert(pair, d);
        }
        if (destinationSession == 0) {
            if (d.firstContact == null) {
                d.firstContact = new ReplayWindow(ReplayWindow.DEFAULT_SIZE);
            }
            d.firstContact.accept(packetNumber);
        }
        lastOpened = d;
        datagram.limit(start + headerLength + n);
        return true;
    }

    /** How many directions' keys were derived: a cache that works keeps this near two per conversation. */
    synchronized long keysDerived() {
        return keysDerived;
    }

    /** How many directions' keys are cached. */
    synchronized int cachedDirections() {
        return cache.size();
    }

    /** How many replayed first-contact datagrams were refused. */
    synchronized long firstContactReplays() {
        return firstContactReplays;
    }

    /**
     * Describes the protection by algorithm and key fingerprint, never the key.
     *
     * @return {@code aead(ALGORITHM, key FINGERPRINT)}
     */
    @Override
    public String toString() {
        return "aead(" + algorithm + ", key " + key.fingerprint() + ")";
    }

    private Direction derive(long source, long destination) {
        keysDerived++;
        return new Direction(source, destination, SessionKeys.direction(key, source, destination, algorithm));
    }

    private void insert(SessionPair pair, Direction d) {
        cache.put(pair, d);
        if (cache.size() > maxCachedDirections) {
            Iterator<Direction> eldest = cache.values().iterator();
            Direction evicted = eldest.next();
            eldest.remove();
            if (lastSealed == evicted) {
                lastSealed = null;
            }
            if (lastOpened == evicted) {
                lastOpened = null;
            }
        }
    }

    private byte[] scratch(int length) {
        if (scratch.length < length) {
            scratch = new byte[Math.max(length, 2048)];
        }
        return scratch;
    }

    private static void zero(ByteBuffer b, int from, int to) {
        for (int i = from; i < to; i++) {
            b.put(i, (byte) 0);
        }
    }

    private static String plural(long n, String noun) {
        return n + " " + noun + (n == 1 ? "" : "s");
    }

    /** The key of the cache: one direction of one session pair. */
    private record SessionPair(long source, long destination) {
    }

    /** The keys of one direction, source to destination, at the generations in use. */
    private static final class Direction {
        final long source;
        final long destination;
        final TrafficKeys base;
        /** The newest generation that sealed or opened a datagram. */
        Generation current;
        /** The one before, for datagrams reordered across a key update. */
        Generation previous;
        /** Packet numbers of authenticated first-contact datagrams (destination 0 only). */
        ReplayWindow firstContact;

        Direction(long source, long destination, TrafficKeys base) {
            this.source = source;
            this.destination = destination;
            this.base = base;
        }

        Generation find(int generation) {
            if (current != null && current.generation == generation) {
                return current;
            }
            if (previous != null && previous.generation == generation) {
                return previous;
            }
            return null;
        }

        void install(Generation gen) {
            if (current == null || gen.generation > current.generation) {
                previous = current;
                current = gen;
            } else if (gen.generation < current.generation
                    && (previous == null || gen.generation > previous.generation)) {
                previous = gen;
            }
        }
    }

    /** One generation's keys, with the sealer and opener made for them when first needed. */
    private static final class Generation {
        final TrafficKeys keys;
        final int generation;
        private AeadSealer sealer;
        private AeadOpener opener;

        Generation(TrafficKeys keys) {
            this.keys = keys;
            this.generation = keys.generation();
        }

        AeadSealer sealer() {
            if (sealer == null) {
                sealer = keys.newSealer();
            }
            return sealer;
        }

        AeadOpener opener() {
            if (opener == null) {
                opener = keys.newOpener();
            }
            return opener;
        }
    }

    /** Formats one kind of warning. */
    private interface Text {
        String format(long count, String from);
    }

    /**
     * Counts one kind of failure and warns about it at most once per interval, with the count
     * since the last warning: a flood of forgeries cannot flood the log.
     */
    private final class Report {
        private final Text text;
        private long count;
        private InetSocketAddress source;
        private boolean severalSources;
        private boolean warned;
        private long nextWarningAt;

        Report(Text text) {
            this.text = text;
        }

        void record(InetSocketAddress from) {
            count++;
            if (count == 1) {
                source = from;
            } else if (!Objects.equals(source, from)) {
                severalSources = true;
            }
            long now = clock.getAsLong();
            if (warned && now - nextWarningAt < 0) {
                return;
            }
            warned = true;
            nextWarningAt = now + WARNING_INTERVAL_NANOS;
            String where = (source == null ? "an unknown address" : source.toString())
                    + (severalSources ? " and other addresses" : "");
            warnings.accept(text.format(count, where));
            count = 0;
            source = null;
            severalSources = false;
        }
    }
}
