package io.github.udpkit.core;

import static com.google.common.base.Preconditions.checkArgument;

import io.github.udpkit.api.Codec;
import io.github.udpkit.api.DeliveryMode;
import io.github.udpkit.api.Endpoint;
import io.github.udpkit.api.EndpointListener;
import io.github.udpkit.api.UnframedHandler;
import io.github.udpkit.core.dtls.DtlsConfig;
import io.github.udpkit.core.protocol.EngineConfig;
import io.github.udpkit.core.security.AddressFilter;
import io.github.udpkit.core.security.AeadAlgorithm;
import io.github.udpkit.core.security.AeadProtection;
import io.github.udpkit.core.security.Key;
import io.github.udpkit.core.security.RateLimiter;
import io.github.udpkit.core.security.SignatureVerifier;
import io.github.udpkit.core.security.SignedCodec;
import io.github.udpkit.core.security.SignedMessage;
import io.github.udpkit.core.security.Signer;
import io.github.udpkit.core.transport.DatagramEndpoint;
import io.github.udpkit.core.transport.EndpointSettings;
import io.github.udpkit.core.transport.Impairments;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.Objects;

/**
 * Builds an {@link Endpoint}: every setter validates its argument at once and returns this builder;
 * {@link #open()} binds the socket and starts the endpoint's I/O thread.
 *
 * <p>Defaults: the wildcard address and an ephemeral port, {@link DeliveryMode#RAW}, the system's
 * socket buffer sizes, a receive queue of 4,096 messages, messages up to {@value Endpoint#MAX_DATAGRAM_PAYLOAD} bytes in
 * {@code RAW} mode and 1 MiB in framed modes, sends that wait up to 10 seconds for room, an I/O
 * thread that polls adaptively for up to {@link #DEFAULT_IDLE_SPIN} before it sleeps, and the
 * protocol engine's {@linkplain EngineConfig#defaults() defaults}.
 *
 * @param <T> the payload type
 * @since 0.1.0
 */
public final class EndpointBuilder<T> {

    /** The default largest message of the framed modes. */
    public static final int DEFAULT_FRAMED_MESSAGE_SIZE = 1 << 20;
    /** The largest message size any mode may be configured to. */
    public static final int MAX_FRAMED_MESSAGE_SIZE = 16 << 20;
    /** How long, at most, an idle I/O thread polls its socket before it sleeps, unless set otherwise. */
    public static final Duration DEFAULT_IDLE_SPIN = Duration.ofNanos(50_000);
    /** The longest idle spin that may be set: beyond it, {@link #busySpin()} says what is meant. */
    public static final Duration MAX_IDLE_SPIN = Duration.ofMillis(10);

    /** What a DTLS record adds to its plaintext with AES-GCM: 13 bytes of header, 8 of nonce, 16 of tag. */
    private static final int DTLS_RECORD_OVERHEAD = 37;

    private final Codec<T> codec;
    private InetSocketAddress bindAddress = new InetSocketAddress(0);
    private InetSocketAddress peer;
    private DeliveryMode mode = DeliveryMode.RAW;
    private int receiveBufferSize;
    private int sendBufferSize;
    private boolean broadcast;
    private int receiveQueueCapacity = 4096;
    private int maxMessageSize;
    private Duration sendTimeout = Duration.ofSeconds(10);
    private boolean failFast;
    private boolean busySpin;
    private boolean batchedIo = true;
    private Duration idleSpin = DEFAULT_IDLE_SPIN;
    private EndpointListener listener = new EndpointListener() { };
    private EngineConfig protocol = EngineConfig.defaults();
    private AddressFilter filter = AddressFilter.allowAll();
    private EndpointSettings.RateLimit rateLimit;
    private Key encryptionKey;
    private boolean validateAddresses;
    private AeadAlgorithm encryptionAlgorithm;
    private Impairments impairments = Impairments.none();
    private final LinkedHashSet<InetAddress> groups = new LinkedHashSet<>();
    private NetworkInterface multicastInterface;
    private int multicastTtl = -1;
    private Boolean multicastLoopback;
    private Boolean reuseAddress;
    private UnframedHandler unframedHandler;
    private Signer signer;
    private SignatureVerifier verifier;
    private String signatureContext = "";
    private DtlsConfig dtls;

    EndpointBuilder(Codec<T> codec) {
        this.codec = codec;
    }

    /**
     * Binds to a port on every local address.
     *
     * @param port 0 to 65535; 0 lets the system choose, read it back from {@link Endpoint#localAddress()}
     * @return this
     */
    public EndpointBuilder<T> bind(int port) {
        this.bindAddress = new InetSocketAddress(Addresses.checkBindPort(port));
        return this;
    }

    /**
     * Binds to a port on one local address; an IPv6 literal makes an IPv6 socket.
     *
     * @param host a local host name or address literal ({@code "0.0.0.0"}, {@code "::1"}, ...)
     * @param port 0 to 65535
     * @return this
     */
    public EndpointBuilder<T> bind(String host, int port) {
        this.bindAddress = Addresses.resolve(host, Addresses.checkBindPort(port));
        return this;
    }

    /**
     * Binds to a local socket address.
     *
     * @param address a resolved address
     * @return this
     */
    public EndpointBuilder<T> bind(InetSocketAddress address) {
        Objects.requireNonNull(address, "address");
        checkArgument(!address.isUnresolved(), "bind address is unresolved: %s", address);
        this.bindAddress = address;
        return this;
    }

    /**
     * Gives the endpoint a default peer, which {@code send(value).toPeer()} sends to. The socket is
     * not connected: the endpoint still receives from anyone and may send elsewhere.
     *
     * @param host the peer's host name or address literal, resolved now
     * @param port 1 to 65535
     * @return this
     */
    public EndpointBuilder<T> connect(String host, int port) {
        this.peer = Addresses.resolve(host, Addresses.checkPeerPort(port));
        return this;
    }

    /**
     * Gives the endpoint a default peer.
     *
     * @param address a resolved address
     * @return this
     */
    public EndpointBuilder<T> connect(InetSocketAddress address) {
        this.peer = Addresses.checkPeer(address);
        return this;
    }

    /**
     * Sets the default delivery mode; a send may choose another with {@code send(v).mode(m)}.
     *
     * @param mode the mode
     * @return this
     */
    public EndpointBuilder<T> mode(DeliveryMode mode) {
        this.mode = Objects.requireNonNull(mode, "mode");
        return this;
    }

    /**
     * Sets the socket's receive buffer ({@code SO_RCVBUF}); the system may round or cap it.
     *
     * @param bytes a positive size
     * @return this
     */
    public EndpointBuilder<T> receiveBufferSize(int bytes) {
        checkArgument(bytes > 0, "receiveBufferSize must be positive: %s", bytes);
        this.receiveBufferSize = bytes;
        return this;
    }

    /**
     * Sets the socket's send buffer ({@code SO_SNDBUF}); the system may round or cap it.
     *
     * @param bytes a positive size
     * @return this
     */
    public EndpointBuilder<T> sendBufferSize(int bytes) {
        checkArgument(bytes > 0, "sendBufferSize must be positive: %s", bytes);
        this.sendBufferSize = bytes;
        return this;
    }

    /**
     * Allows sending to broadcast addresses ({@code SO_BROADCAST}).
     *
     * @param allow whether to allow it
     * @return this
     */
    public EndpointBuilder<T> broadcast(boolean allow) {
        this.broadcast = allow;
        return this;
    }

    /**
     * Sets how many received messages may wait for {@link Endpoint#receive} before the endpoint
     * pushes back: messages of the unreliable modes are then dropped (and counted), while the
     * reliable modes stop reading, so their senders hold back and retransmit.
     *
     * @param messages a positive count
     * @return this
     */
    public EndpointBuilder<T> receiveQueueCapacity(int messages) {
        checkArgument(messages > 0, "receiveQueueCapacity must be positive: %s", messages);
        this.receiveQueueCapacity = messages;
        return this;
    }

    /**
     * Sets the largest message, in encoded bytes, that the endpoint sends or accepts. In
     * {@code RAW} mode a message is one datagram, so at most {@value Endpoint#MAX_DATAGRAM_PAYLOAD}; framed modes fragment, up to
     * 16 MiB.
     *
     * @param bytes a positive size
     * @return this
     */
    public EndpointBuilder<T> maxMessageSize(int bytes) {
        checkArgument(bytes > 0 && bytes <= MAX_FRAMED_MESSAGE_SIZE,
                "maxMessageSize must be in 1..%s: %s", MAX_FRAMED_MESSAGE_SIZE, bytes);
        this.maxMessageSize = bytes;
        return this;
    }

    /**
     * Sets how long a send may wait when the send window (or the socket's buffer) is full before it
     * fails with {@link io.github.udpkit.api.BackPressureException}.
     *
     * @param timeout a positive duration
     * @return this
     */
    public EndpointBuilder<T> sendTimeout(Duration timeout) {
        Objects.requireNonNull(timeout, "timeout");
        checkArgument(!timeout.isNegative() && !timeout.isZero(), "sendTimeout must be positive: %s", timeout);
        this.sendTimeout = timeout;
        return this;
    }

    /**
     * Makes a send on a full send window fail at once with
     * {@link io.github.udpkit.api.BackPressureException} instead of waiting for room.
     *
     * @return this
     */
    public EndpointBuilder<T> failFast() {
        this.failFast = true;
        return this;
    }

    /**
     * Makes the I/O thread spin on the socket instead of sleeping until a datagram arrives. It
     * saves the tens of microseconds it takes the system to wake a sleeping thread, at the price of
     * one core kept busy for as long as the endpoint is open: for latency-critical endpoints on
     * machines with cores to spare.
     *
     * @return this
     */
    public EndpointBuilder<T> busySpin() {
        this.busySpin = true;
        return this;
    }

    /**
     * Whether the endpoint may run on the batched Linux transport: on JDK 22 and later, on Linux
     * (x86-64, aarch64), with native access enabled, an endpoint reads with {@code recvmmsg} and
     * {@code UDP_GRO} and writes with {@code sendmmsg} and {@code UDP_SEGMENT} (GSO), many
     * datagrams a system call, instead of the JDK's {@code DatagramChannel}, one a call. On by
     * default; elsewhere, and for multicast and DTLS endpoints, the JDK's channel is used anyway.
     * The system property {@code udpkit.transport=jdk} turns it off for every endpoint.
     * {@link io.github.udpkit.api.Endpoint#transport()} says which the endpoint got.
     *
     * @param allowed false to keep the endpoint on the JDK's {@code DatagramChannel}
     * @return this
     * @since 0.1.0
     */
    public EndpointBuilder<T> batchedIo(boolean allowed) {
        this.batchedIo = allowed;
        return this;
    }

    /**
     * Sets the longest the I/O thread keeps polling its socket after its last work before it
     * sleeps until the next datagram or send. Within that bound the poll adapts to the traffic: it
     * lasts twice the recent gaps between bursts when they are short (a steady stream, a quick
     * request and reply), so the next datagram is read without the tens of microseconds a
     * sleeping thread takes to wake, and it shrinks to nothing when gaps are long, so an endpoint
     * with sporadic traffic sleeps at once and costs no CPU. A polling thread yields its core to
     * any other thread that wants it. Zero sleeps at once, always; {@link #busySpin()} never sleeps.
     *
     * @param max 0 up to {@link #MAX_IDLE_SPIN}; {@link #DEFAULT_IDLE_SPIN} unless set
     * @return this
     */
    public EndpointBuilder<T> idleSpin(Duration max) {
        Objects.requireNonNull(max, "max");
        checkArgument(!max.isNegative() && max.compareTo(MAX_IDLE_SPIN) <= 0,
                "idleSpin must be between zero and %s: %s", MAX_IDLE_SPIN, max);
        this.idleSpin = max;
        return this;
    }

    /**
     * Sets the listener for peer events and I/O-thread errors.
     *
     * @param listener the listener
     * @return this
     */
    public EndpointBuilder<T> listener(EndpointListener listener) {
        this.listener = Objects.requireNonNull(listener, "listener");
        return this;
    }

    /**
     * Tunes the protocol engine of the framed modes: datagram size, retransmission timers and
     * limits, windows, keep-alive and idle timeouts, peer limits, packet protection. A
     * {@link #maxMessageSize} set on this builder overrides the one in the config.
     *
     * @param config the engine's settings, see {@link EngineConfig#builder()}
     * @return this
     */
    public EndpointBuilder<T> protocol(EngineConfig config) {
        this.protocol = Objects.requireNonNull(config, "config");
        return this;
    }

    /**
     * Lets only the sources an address filter allows reach the endpoint: every datagram is checked
     * before it is parsed, and a refused one is dropped and counted as
     * {@link io.github.udpkit.api.EndpointStats#filtered() filtered}.
     *
     * @param filter CIDR allow and deny lists, e.g.
     *     {@code AddressFilter.builder().allow("10.0.0.0/8").deny("10.6.6.0/24").build()}
     * @return this
     */
    public EndpointBuilder<T> filter(AddressFilter filter) {
        this.filter = Objects.requireNonNull(filter, "filter");
        return this;
    }

    /**
     * Makes the framed modes validate a new peer's address before keeping any state for it: its
     * first datagram is answered only with a stateless cookie, no larger than the datagram, and
     * only a datagram that echoes the cookie creates the peer. For servers on a public network,
     * so that they cannot be used to reflect traffic at a spoofed address, nor be filled with
     * state by a flood of them. Clients need nothing: every endpoint answers cookies. Sets
     * {@link EngineConfig#addressValidation()} on the {@link #protocol} config at {@link #open()};
     * datagrams dropped by it count as
     * {@link io.github.udpkit.api.EndpointStats#filtered() filtered}. {@code RAW} mode has no
     * engine and is not affected.
     *
     * @return this
     */
    public EndpointBuilder<T> validateAddresses() {
        this.validateAddresses = true;
        return this;
    }

    /**
     * Encrypts and authenticates every datagram of the framed modes with AES-256-GCM under keys
     * derived from a pre-shared key, which the peers must share; see {@link AeadProtection}.
     * Datagrams that fail authentication (a wrong key, tampering) are dropped and counted as
     * {@link io.github.udpkit.api.EndpointStats#authFailures() authFailures}, replays as
     * {@link io.github.udpkit.api.EndpointStats#replaysDropped() replaysDropped}. Replaces the
     * protection of the {@link #protocol} config. Framed modes only: {@link #open()} refuses
     * {@code RAW}, whose datagrams are the codec's bytes (use a Fernet codec there).
     *
     * @param key the pre-shared key, e.g. {@code Key.readFrom(Path.of("udpkit.key"))}
     * @return this
     */
    public EndpointBuilder<T> encryption(Key key) {
        return encryption(key, AeadAlgorithm.AES_256_GCM);
    }

    /**
     * Encrypts and authenticates every datagram of the framed modes with the given AEAD, as
     * {@link #encryption(Key)} does; both ends must choose the same algorithm.
     *
     * @param key the pre-shared key
     * @param algorithm AES-256-GCM (fastest where AES has hardware support) or ChaCha20-Poly1305
     * @return this
     */
    public EndpointBuilder<T> encryption(Key key, AeadAlgorithm algorithm) {
        this.encryptionKey = Objects.requireNonNull(key, "key");
        this.encryptionAlgorithm = Objects.requireNonNull(algorithm, "algorithm");
        return this;
    }

    /**
     * Signs every message this endpoint sends with Ed25519, in any mode, RAW included: the codec's
     * bytes travel inside a signed message (docs/PROTOCOL.md section 14) carrying the signer's
     * name, key, sequence number and signature, bound to the {@link #signatureContext context}.
     * See {@link SignedCodec}.
     *
     * @param value who signs, e.g. {@code Signer.of(Identity.readFrom(path), "probe-7")}
     * @return this
     */
    public EndpointBuilder<T> signWith(Signer value) {
        this.signer = Objects.requireNonNull(value, "signer");
        return this;
    }

    /**
     * Accepts only signed messages that a verifier believes: a trusted key, a valid signature in
     * the {@link #signatureContext context}, a new sequence number. Others are dropped and counted
     * as {@link io.github.udpkit.api.EndpointStats#badSignatures() badSignatures},
     * {@link io.github.udpkit.api.EndpointStats#unknownKeys() unknownKeys},
     * {@link io.github.udpkit.api.EndpointStats#changedKeys() changedKeys} or
     * {@link io.github.udpkit.api.EndpointStats#replayedSequences() replayedSequences}; the
     * application never sees them.
     *
     * @param value the verifier, e.g. {@code SignatureVerifier.of(TrustStore.trustOnFirstUse(path))}
     * @return this
     */
    public EndpointBuilder<T> verifyWith(SignatureVerifier value) {
        this.verifier = Objects.requireNonNull(value, "verifier");
        return this;
    }

    /**
     * Sets the context signatures are made and checked in (a room, a topic): a message signed for
     * one context is refused in another.
     *
     * @param value up to 255 bytes of UTF-8; default empty
     * @return this
     */
    public EndpointBuilder<T> signatureContext(String value) {
        this.signatureContext = SignedMessage.checkContext(value);
        return this;
    }

    /**
     * Limits how many datagrams each source address may send, with a token bucket per source
     * (IPv6 sources by /64) in a bounded table. Checked before parsing and decryption; datagrams
     * over the limit are dropped and counted as {@link io.github.udpkit.api.EndpointStats#filtered()
     * filtered}.
     *
     * @param perSecond the sustained rate per source, positive
     * @param burst how many datagrams a source may send at once, positive
     * @return this
     */
    public EndpointBuilder<T> rateLimit(double perSecond, int burst) {
        checkArgument(perSecond > 0 && Double.isFinite(perSecond), "rateLimit perSecond must be positive: %s", perSecond);
        checkArgument(burst > 0, "rateLimit burst must be positive: %s", burst);
        RateLimiter.builder().ratePerSecond(perSecond).burst(burst).build(); // its own checks, now rather than at open()
        this.rateLimit = new EndpointSettings.RateLimit(perSecond, burst);
        return this;
    }

    /**
     * Impairs the endpoint's own traffic, both what it sends and what it receives, as a lossy
     * network would: seeded loss (also in bursts), duplication, delay and reordering, corruption,
     * MTU limits, blackouts. For trying reliability by hand and for demos; tests of a whole
     * network use udp-testkit.
     *
     * @param impairments e.g. {@code Impairments.builder().loss(0.2).duplicate(0.05).seed(7).build()}
     * @return this
     */
    public EndpointBuilder<T> impairments(Impairments impairments) {
        this.impairments = Objects.requireNonNull(impairments, "impairments");
        return this;
    }

    /**
     * Joins a multicast group when the endpoint opens (more may be joined and left later with
     * {@link Endpoint#joinGroup}). The socket is opened for the group's address family, and bound
     * with {@code SO_REUSEADDR} unless {@link #reuseAddress} says otherwise, so that several
     * receivers on one host share the group's port. Bind the port the group's senders send to.
     * Multicast carries {@code RAW}, {@code UNRELIABLE} and {@code SEQUENCED}; a reliable send to a
     * group fails at once.
     *
     * @param group an IPv4 ({@code 224.0.0.0/4}) or IPv6 ({@code ff00::/8}) multicast address
     * @return this
     */
    public EndpointBuilder<T> joinGroup(String group) {
        return joinGroup(Addresses.resolve(group, 0).getAddress());
    }

    /**
     * Joins a multicast group when the endpoint opens; see {@link #joinGroup(String)}.
     *
     * @param group a multicast address of the same family as any other group given
     * @return this
     */
    public EndpointBuilder<T> joinGroup(InetAddress group) {
        Objects.requireNonNull(group, "group");
        checkArgument(group.isMulticastAddress(), "not a multicast address: %s", group.getHostAddress());
        checkArgument(groups.isEmpty() || groups.iterator().next().getClass() == group.getClass(),
                "groups of one endpoint must be of one address family: %s and %s",
                groups.isEmpty() ? "" : groups.iterator().next().getHostAddress(), group.getHostAddress());
        groups.add(group);
        return this;
    }

    /**
     * Chooses the network interface that groups are joined on and multicast is sent from
     * ({@code IP_MULTICAST_IF}); without one, the first interface that is up and supports multicast.
     *
     * @param name the interface's name, e.g. {@code "eth0"} or {@code "lo"}
     * @return this
     * @throws IllegalArgumentException if there is no such interface
     */
    public EndpointBuilder<T> multicastInterface(String name) {
        Objects.requireNonNull(name, "name");
        NetworkInterface nif;
        try {
            nif = NetworkInterface.getByName(name);
        } catch (SocketException e) {
            throw new IllegalArgumentException("cannot look up network interface " + name + ": " + e.getMessage(), e);
        }
        checkArgument(nif != null, "no network interface called %s", name);
        return multicastInterface(nif);
    }

    /**
     * Chooses the network interface for multicast; see {@link #multicastInterface(String)}.
     *
     * @param networkInterface the interface
     * @return this
     */
    public EndpointBuilder<T> multicastInterface(NetworkInterface networkInterface) {
        this.multicastInterface = Objects.requireNonNull(networkInterface, "networkInterface");
        return this;
    }

    /**
     * Sets how many routers a datagram sent to a group may cross ({@code IP_MULTICAST_TTL}): 0
     * keeps it on this host, 1 (the system's default) on the local network.
     *
     * @param hops 0 to 255
     * @return this
     */
    public EndpointBuilder<T> multicastTtl(int hops) {
        checkArgument(hops >= 0 && hops <= 255, "multicastTtl must be in 0..255: %s", hops);
        this.multicastTtl = hops;
        return this;
    }

    /**
     * Sets whether datagrams this endpoint sends to a group are also delivered to group members on
     * this host ({@code IP_MULTICAST_LOOP}, on by default).
     *
     * @param loopback whether to loop them back
     * @return this
     */
    public EndpointBuilder<T> multicastLoopback(boolean loopback) {
        this.multicastLoopback = loopback;
        return this;
    }

    /**
     * Sets {@code SO_REUSEADDR} before binding, so that several sockets on one host may bind the
     * same port (receivers of one multicast group, answerers of discovery). On by default when
     * groups are joined at open, off otherwise.
     *
     * @param reuse whether to allow it
     * @return this
     */
    public EndpointBuilder<T> reuseAddress(boolean reuse) {
        this.reuseAddress = reuse;
        return this;
    }

    /**
     * Hands the datagrams that are not udpkit frames to a handler instead of dropping them, so a
     * framed endpoint can also serve plain UDP programs (a netcat, a Python script) from the same
     * port; answer them with {@link Endpoint#sendUnframed}. They pass the {@link #filter} and
     * {@link #rateLimit} first, as every datagram does. Framed modes only: in {@code RAW} mode
     * every datagram is a message already.
     *
     * @param handler called on the I/O thread with each such datagram and its source
     * @return this
     */
    public EndpointBuilder<T> onUnframed(UnframedHandler handler) {
        this.unframedHandler = Objects.requireNonNull(handler, "handler");
        return this;
    }

    /**
     * Secures the endpoint with DTLS 1.2: certificates, forward secrecy, and interoperability with
     * any DTLS 1.2 peer ({@code openssl s_client -dtls1_2}, {@code openssl s_server -dtls1_2}). In
     * {@code RAW} mode each message is one DTLS record in one datagram, so a message must fit one
     * record within {@link DtlsConfig#maxDatagramSize()}. In the framed modes each udpkit datagram
     * (header and frames) is the plaintext of one DTLS record, with all the mode's guarantees; the
     * engine's datagram size shrinks by the record's 37 bytes and its own checksum is dropped,
     * DTLS authenticating every record, and the protocol engine owns the DTLS sessions as it owns
     * the rest of each connection. A client starts the handshake with its
     * first send, and the sends wait for it; a failed handshake fails them with a
     * {@link io.github.udpkit.api.HandshakeException} naming the peer and the alert, and is
     * reported once to {@link EndpointListener#onHandshakeFailed}. Each received message carries
     * the sender's verified {@link io.github.udpkit.api.Message#peerIdentity() identity}.
     *
     * @param config {@code DtlsConfig.server().certificate(cert, key).build()} for a server,
     *     {@code DtlsConfig.client().trust(caBundle).serverName(name).build()} for a client
     * @return this
     */
    public EndpointBuilder<T> dtls(DtlsConfig config) {
        this.dtls = Objects.requireNonNull(config, "config");
        return this;
    }

    /**
     * Binds the socket and starts the endpoint.
     *
     * @return the open endpoint
     * @throws IllegalArgumentException if the settings contradict each other
     * @throws io.github.udpkit.api.UdpIoException if the socket cannot be opened or bound (its
     *     cause is a {@link java.net.BindException} when the port is in use)
     */
    public Endpoint<T> open() {
        int maxSize = maxMessageSize != 0 ? maxMessageSize
                : mode.isFramed() ? protocol.maxMessageSize() : Endpoint.MAX_DATAGRAM_PAYLOAD;
        checkArgument(mode.isFramed() || maxSize <= Endpoint.MAX_DATAGRAM_PAYLOAD,
                "maxMessageSize must be at most %s in RAW mode (one message is one datagram): %s",
                Endpoint.MAX_DATAGRAM_PAYLOAD, maxSize);
        EngineConfig engineConfig = protocol;
        if (mode.isFramed() && maxSize != protocol.maxMessageSize()) {
            // Room for the larger messages comes with them: the engine insists on it.
            engineConfig = protocol.toBuilder()
                    .maxMessageSize(maxSize)
                    .maxQueuedBytes(Math.max(protocol.maxQueuedBytes(), maxSize))
                    .reassemblyBytesPerPeer(Math.max(protocol.reassemblyBytesPerPeer(), 2L * maxSize))
                    .reassemblyBytesTotal(Math.max(protocol.reassemblyBytesTotal(), 2L * maxSize))
                    .build();
        }
        if (validateAddresses && !engineConfig.addressValidation()) {
            engineConfig = engineConfig.toBuilder().addressValidation(true).build();
        }
        if (encryptionKey != null) {
            checkArgument(mode.isFramed(), "encryption applies to framed modes; RAW sends the codec's bytes as they "
                    + "are: use Fernet.codec(key) for encrypted RAW");
            // Seeded session ids repeat from run to run, and AEAD nonces with them.
            if (engineConfig.seed().isPresent()) {
                throw new IllegalArgumentException("encryption needs random session ids: remove the seed "
                        + engineConfig.seed().getAsLong() + " from the protocol config (a seed repeats session ids, "
                        + "and so nonces, across runs)");
            }
            engineConfig = engineConfig.toBuilder().protection(AeadProtection.of(encryptionKey, encryptionAlgorithm,
                    (int) Math.min(AeadProtection.MAX_CACHED_DIRECTIONS, 4L * engineConfig.maxPeers()))).build();
        }
        checkArgument(unframedHandler == null || mode.isFramed(),
                "onUnframed applies to framed modes; in RAW mode every datagram is a message already");
        if (!groups.isEmpty()) {
            InetAddress bound = bindAddress.getAddress();
            checkArgument(bound == null || bound.isAnyLocalAddress() || bound.getClass() == groups.iterator().next().getClass(),
                    "bind address %s is of another family than group %s", bound, groups.iterator().next().getHostAddress());
        }
        EndpointSettings.Multicast multicast = new EndpointSettings.Multicast(new ArrayList<>(groups),
                multicastInterface, multicastTtl, multicastLoopback);
        boolean reuse = reuseAddress != null ? reuseAddress : !groups.isEmpty();
        checkArgument(dtls == null || unframedHandler == null,
                "onUnframed cannot be combined with DTLS: every datagram of a DTLS endpoint is a DTLS record");
        checkArgument(dtls == null || groups.isEmpty(),
                "DTLS secures one peer at a time: a DTLS endpoint cannot join multicast groups");
        if (dtls != null) {
            checkArgument(encryptionKey == null, "choose DTLS or a pre-shared key, not both");
            int recordLimit = dtls.maxDatagramSize() - DTLS_RECORD_OVERHEAD;
            if (mode.isFramed()) {
                // The engine's datagrams ride in DTLS records, which DTLS authenticates and encrypts:
                // each must fit one record within the datagram size, and needs no checksum of its own.
                engineConfig = engineConfig.toBuilder()
                        .maxDatagramSize(Math.min(engineConfig.maxDatagramSize(), recordLimit))
                        .protection(DtlsConfig.recordCarried()).build();
            } else {
                checkArgument(maxMessageSize == 0 || maxMessageSize <= recordLimit,
                        "maxMessageSize must be at most %s over DTLS with datagrams of %s bytes: %s", recordLimit,
                        dtls.maxDatagramSize(), maxMessageSize);
                maxSize = Math.min(maxSize, recordLimit);
            }
        }
        Codec<T> wireCodec = codec;
        if (signer != null || verifier != null) {
            SignedCodec.Builder<T> signed = SignedCodec.builder(codec).context(signatureContext);
            if (signer != null) {
                signed.signer(signer);
            }
            if (verifier != null) {
                signed.verifier(verifier);
            }
            wireCodec = signed.build();
        }
        return DatagramEndpoint.open(new EndpointSettings<>(wireCodec, bindAddress, peer, mode, receiveBufferSize,
                sendBufferSize, broadcast, receiveQueueCapacity, maxSize, sendTimeout, failFast, busySpin, idleSpin,
                listener, engineConfig, filter, rateLimit, impairments, multicast, reuse, unframedHandler, dtls,
                batchedIo));
    }
}
