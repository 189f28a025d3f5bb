package io.github.udpkit.core.dtls;

import static com.google.common.base.Preconditions.checkState;

import io.github.udpkit.core.protocol.RecordLayer;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * DTLS 1.2 as the record layer of a framed endpoint's protocol engine: the engine asks it to admit
 * clients (the stateless cookie of {@link DtlsAdmission}) and to start handshakes, and holds each
 * {@link DtlsSession} in the peer's connection. It counts what every session drops, retransmits and
 * completes; those counts are readable from any thread.
 *
 * <p>Not thread-safe otherwise: the engine's thread owns it.
 *
 * @since 0.1.0
 */
public final class DtlsLayer extends DtlsStats implements RecordLayer {
    /** What a DTLS 1.2 record adds with AES-GCM: 13 bytes of header, 8 of explicit nonce, 16 of tag. */
    public static final int RECORD_OVERHEAD = DtlsRecords.HEADER + 8 + 16;

    private final DtlsConfig config;
    private final DtlsAdmission admission;

    /**
     * Creates the record layer of one engine.
     *
     * @param config the DTLS settings; a server's admits clients, a client's only connects
     * @param secrets fills arrays with random bytes for the cookie secrets: a {@code SecureRandom},
     *     or a seeded generator in simulations
     */
    public DtlsLayer(DtlsConfig config, Consumer<byte[]> secrets) {
        this.config = Objects.requireNonNull(config, "config");
        this.admission = new DtlsAdmission(config, counters, Objects.requireNonNull(secrets, "secrets"));
    }

    @Override
    public Session accept(InetSocketAddress from, ByteBuffer datagram, boolean room, long now, Wire wire,
            Output out) {
        if (config.isClient()) {
            counters.unexpected.increment(); // a client talks only to the servers it connected to
            return null;
        }
        return admission.accept(from, datagram, room, now, wire, out);
    }

    @Override
    public boolean opensHandshake(ByteBuffer datagram) {
        return !config.isClient() && DtlsAdmission.isInitialClientHello(datagram);
    }

    @Override
    public boolean connects() {
        return config.isClient();
    }

    @Override
    public Session connect(InetSocketAddress server, long now, Output out) {
        checkState(config.isClient(), "a DTLS server does not connect: %s", server);
        return DtlsSession.client(config.newEngine(server), server, config, counters, now, out);
    }

    @Override
    public int maxDatagramSize() {
        return config.maxDatagramSize();
    }

    @Override
    public int overhead() {
        return RECORD_OVERHEAD;
    }

    /** @return the settings */
    public DtlsConfig config() {
        return config;
    }

    /**
     * Ends a session the engine replaces with a new handshake from the same address, without an
     * alert of the old epoch.
     *
     * @param session a session of this layer
     */
    @Override
    public void abandon(Session session) {
        ((DtlsSession) session).abandon();
    }
}
