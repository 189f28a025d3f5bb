package io.github.udpkit.core.dtls;

import io.github.udpkit.core.protocol.AddressValidator;
import io.github.udpkit.core.protocol.RecordLayer;
import io.github.udpkit.core.security.RateLimiter;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.function.Consumer;

/**
 * How a DTLS server lets a client in, sans I/O and stateless until it does: shared by the
 * engine's record layer ({@link DtlsLayer}) and the RAW endpoint's {@link DtlsHost}.
 *
 * <p>A ClientHello from an address without a session is answered, before any {@code SSLEngine}
 * exists, with a HelloVerifyRequest whose cookie is an HMAC of the client's address, port and
 * random under a secret that rotates (every 10 seconds per 10 seconds of handshake deadline: a
 * cookie outlives the handshake it admits) with {@link AddressValidator}, the cookie of udpkit's
 * own address validation. The answer is never larger than the ClientHello, and nothing is
 * remembered. Only a ClientHello that echoes a valid cookie creates a session, and only within
 * the limits: at most {@link DtlsConfig#maxHandshakes()} handshakes at once,
 * {@link DtlsConfig#maxSessions()} sessions, and a per-source handshake rate. A ClientHello
 * offering only DTLS 1.0 is refused with a protocol_version alert, smaller than it too.
 *
 * <p>Not thread-safe: one thread owns it.
 */
final class DtlsAdmission {
    /** The time bucket of {@link AddressValidator}: its secret rotates this often on the clock it is given. */
    private static final long COOKIE_BUCKET_SECONDS = 10;
    private static final int HELLO_VERIFY_LENGTH = DtlsRecords.HEADER + DtlsRecords.HANDSHAKE_HEADER + 3
            + AddressValidator.TOKEN_LENGTH;

    private final DtlsConfig config;
    private final DtlsCounters counters;
    private final AddressValidator cookies;
    /**
     * How much slower than the engine's clock the cookies' clock runs. A client retransmits its
     * ClientHello with the cookie it was given for as long as its handshake lasts, and ignores a
     * second HelloVerifyRequest; its cookie must live at least the handshake deadline, where the
     * engine's cookies live 10 to 20 seconds.
     */
    private final long cookieClockDivisor;
    private final RateLimiter handshakeRate;
    private final byte[] cookie = new byte[AddressValidator.TOKEN_LENGTH];
    private final ByteBuffer reply = ByteBuffer.allocate(64);

    DtlsAdmission(DtlsConfig config, DtlsCounters counters, Consumer<byte[]> secrets) {
        this.config = config;
        this.counters = counters;
        this.cookies = new AddressValidator(secrets);
        this.cookieClockDivisor = config.handshakeTimeout().toSeconds() / COOKIE_BUCKET_SECONDS + 1;
        this.handshakeRate = RateLimiter.builder().ratePerSecond(config.handshakesPerSecond())
                .burst(config.handshakeBurst()).maxSources(Math.max(1024, config.maxHandshakes())).build();
    }

    /** Whether the datagram starts with an epoch-0 ClientHello: a handshake begins (or begins again). */
    static boolean isInitialClientHello(ByteBuffer datagram) {
        int offset = datagram.position();
        int length = DtlsRecords.recordLength(datagram, offset);
        return length > 0 && DtlsRecords.type(datagram, offset) == DtlsRecords.HANDSHAKE
                && DtlsRecords.epoch(datagram, offset) == 0
                && DtlsRecords.handshakeType(datagram, offset, length) == DtlsRecords.CLIENT_HELLO;
    }

    /**
     * Answers a datagram from an address without a session, and starts a server's session when
     * its ClientHello echoes a valid cookie and the limits allow.
     *
     * @param from the sender
     * @param datagram its bytes, position to limit; not changed
     * @param room whether the holder has room for another session (beside {@link DtlsConfig#maxSessions()})
     * @param now the current time
     * @param wire where a stateless answer goes
     * @param out where the new session's flight goes
     * @return the new session, or null if none was started
     */
    DtlsSession accept(InetSocketAddress from, ByteBuffer datagram, boolean room, long now, RecordLayer.Wire wire,
            RecordLayer.Output out) {
        int offset = datagram.position();
        int length = DtlsRecords.recordLength(datagram, offset);
        if (length < 0 || DtlsRecords.type(datagram, offset) != DtlsRecords.HANDSHAKE
                || DtlsRecords.epoch(datagram, offset) != 0
                || DtlsRecords.handshakeType(datagram, offset, length) != DtlsRecords.CLIENT_HELLO
                || !DtlsRecords.unfragmented(datagram, offset, length)) {
            counters.unexpected.increment(); // not the start of a handshake: nothing to answer, nothing to keep
            return null;
        }
        // ClientHello body: client_version(2) random(32) session_id<0..32> cookie<0..255> ...
        int body = offset + DtlsRecords.HEADER + DtlsRecords.HANDSHAKE_HEADER;
        int end = offset + length;
        if (end - body < 2 + 32 + 1) {
            counters.unexpected.increment();
            return null;
        }
        int clientVersion = datagram.getShort(body) & 0xFFFF;
        long random = datagram.getLong(body + 2);
        int sessionIdLength = datagram.get(body + 34) & 0xFF;
        int cookieAt = body + 35 + sessionIdLength;
        if (sessionIdLength > 32 || cookieAt >= end) {
            counters.unexpected.increment();
            return null;
        }
        int cookieLength = datagram.get(cookieAt) & 0xFF;
        if (cookieAt + 1 + cookieLength > end) {
            counters.unexpected.increment();
            return null;
        }
        long sequence = DtlsRecords.sequence(datagram, offset);
        if (clientVersion != DtlsRecords.DTLS_1_2 && (clientVersion & 0xFF00) == 0xFE00 && clientVersion > DtlsRecords.DTLS_1_2) {
            // DTLS versions count down: 0xFEFF is 1.0. A client that offers nothing newer is refused.
            counters.refused.increment();
            sendAlert(from, sequence, 70, length, wire);
            return null;
        }
        if (cookieLength == 0
                || !cookies.isValid(from, random, datagram, cookieAt + 1, cookieLength, now / cookieClockDivisor)) {
            sendHelloVerify(from, random, sequence, datagram.remaining(), now, wire);
            return null;
        }
        if (!room || counters.handshaking.get() >= config.maxHandshakes()
                || counters.sessions.get() >= config.maxSessions()
                || !handshakeRate.tryAcquire(from.getAddress(), now)) {
            counters.refused.increment(); // the client retransmits, and may find room then
            return null;
        }
        ByteBuffer hello = datagram.duplicate().limit(offset + length).position(offset);
        DtlsSession session = DtlsSession.server(config.newEngine(from), from, config, counters, hello, now, out);
        int rest = offset + length;
        if (rest < datagram.limit() && session.isHandshaking()) {
            session.receive(datagram.duplicate().position(rest), now, out);
        }
        return session;
    }

    /**
     * RFC 6347 §4.2.1: version DTLS 1.0, the ClientHello's record sequence number, message_seq 0;
     * sent twice, both copies together never more bytes than the ClientHello.
     */
    private void sendHelloVerify(InetSocketAddress to, long random, long sequence, int received, long now,
            RecordLayer.Wire wire) {
        if (HELLO_VERIFY_LENGTH > received) {
            counters.unexpected.increment(); // never more bytes to an unvalidated address than it sent
            return;
        }
        cookies.token(to, random, now / cookieClockDivisor, cookie, 0);
        int bodyLength = 3 + cookie.length;
        ByteBuffer r = reply.clear();
        r.put(DtlsRecords.HANDSHAKE).putShort((short) DtlsRecords.DTLS_1_0).putShort((short) 0);
        r.putShort((short) (sequence >>> 32)).putInt((int) sequence);
        r.putShort((short) (DtlsRecords.HANDSHAKE_HEADER + bodyLength));
        r.put(DtlsRecords.HELLO_VERIFY_REQUEST);
        putInt24(r, bodyLength);
        r.putShort((short) 0);
        putInt24(r, 0);
        putInt24(r, bodyLength);
        r.putShort((short) DtlsRecords.DTLS_1_0).put((byte) cookie.length).put(cookie);
        r.flip();
        counters.cookiesSent.increment();
        wire.transmit(to, r);
        // A second copy while both fit in what the client sent: on a lossy path the client's timer,
        // which alone drives this stateless exchange, then fires less often.
        if (2 * HELLO_VERIFY_LENGTH <= received) {
            wire.transmit(to, r.rewind());
        }
    }

    private void sendAlert(InetSocketAddress to, long sequence, int description, int received, RecordLayer.Wire wire) {
        if (DtlsRecords.HEADER + 2 > received) {
            return;
        }
        ByteBuffer r = reply.clear();
        r.put(DtlsRecords.ALERT).putShort((short) DtlsRecords.DTLS_1_0).putShort((short) 0);
        r.putShort((short) (sequence >>> 32)).putInt((int) sequence).putShort((short) 2);
        r.put((byte) 2).put((byte) description).flip();
        wire.transmit(to, r);
    }

    private static void putInt24(ByteBuffer b, int value) {
        b.put((byte) (value >>> 16)).put((byte) (value >>> 8)).put((byte) value);
    }
}
