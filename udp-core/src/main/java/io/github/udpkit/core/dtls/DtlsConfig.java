package io.github.udpkit.core.dtls;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkState;

import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * The DTLS 1.2 settings of an endpoint: its own certificate and key (a server's, or a client's
 * for mutual authentication), what it trusts, and the handshake's timers and admission limits.
 * Immutable; build one with {@link #server()} or {@link #client()}.
 *
 * <p>Only DTLS 1.2 is enabled, with ECDHE key exchange and AEAD ciphers: AES-GCM, and
 * ChaCha20-Poly1305 where the JDK has it. Trust is a CA bundle (PEM), pinned SHA-256 certificate
 * fingerprints, or the JDK's default trust store. A client sends the server name (SNI) and checks
 * it against the server's certificate, unless it trusts by pin, where the pin is the identity.
 *
 * @since 0.1.0
 */
public final class DtlsConfig {
    /** The default datagram size: what fits the IPv6 minimum MTU with room for tunnels. */
    public static final int DEFAULT_DATAGRAM_SIZE = 1200;
    /** The default handshake deadline. */
    public static final Duration DEFAULT_HANDSHAKE_TIMEOUT = Duration.ofSeconds(30);

    private static final List<String> PREFERRED_SUITES = List.of(
            "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256",
            "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384",
            "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256",
            "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
            "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
            "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256");

    private final boolean client;
    private final SSLContext context;
    private final String[] cipherSuites;
    private final boolean checkHostname;
    private final String serverName;
    private final ClientAuth clientAuth;
    private final int maxDatagramSize;
    private final Duration handshakeTimeout;
    private final Duration initialRetransmit;
    private final Duration maxRetransmit;
    private final int maxHandshakes;
    private final int maxSessions;
    private final Duration idleTimeout;
    private final double handshakesPerSecond;
    private final int handshakeBurst;

    /** Whether a server asks clients for certificates. */
    public enum ClientAuth {
        /** Clients are not asked for a certificate. */
        NONE,
        /** Clients are asked, and may decline. */
        WANTED,
        /** Clients must present a certificate the server trusts. */
        REQUIRED
    }

    private DtlsConfig(Builder b) {
        this.client = b.client;
        this.serverName = b.serverName;
        this.clientAuth = b.clientAuth;
        this.maxDatagramSize = b.maxDatagramSize;
        this.handshakeTimeout = b.handshakeTimeout;
        this.initialRetransmit = b.initialRetransmit;
        this.maxRetransmit = b.maxRetransmit;
        this.maxHandshakes = b.maxHandshakes;
        this.maxSessions = b.maxSessions;
        this.idleTimeout = b.idleTimeout;
        this.handshakesPerSecond = b.handshakesPerSecond;
        this.handshakeBurst = b.handshakeBurst;
        this.checkHostname = client && b.pins.isEmpty() && !b.skipHostnameCheck;
        try {
            KeyManager[] keys = b.keyStore == null ? null : keyManagers(b.keyStore, b.keyPassword);
            TrustManager[] trust = trustManagers(b);
            this.context = SSLContext.getInstance("DTLSv1.2");
            context.init(keys, trust, new SecureRandom());
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("DTLS settings rejected by the JDK: " + e.getMessage(), e);
        }
        Set<String> supported = Set.of(context.getSupportedSSLParameters().getCipherSuites());
        List<String> suites = new ArrayList<>();
        for (String suite : b.cipherSuites.isEmpty() ? PREFERRED_SUITES : b.cipherSuites) {
            if (supported.contains(suite)) {
                suites.add(suite);
            }
        }
        checkArgument(!suites.isEmpty(), "none of the cipher suites %s is supported by this JDK", b.cipherSuites);
        this.cipherSuites = suites.toArray(String[]::new);
    }

    /**
     * Starts the settings of a server: it needs {@link Builder#certificate} or {@link Builder#keyStore}.
     *
     * @return a builder
     */
    public static Builder server() {
        return new Builder(false);
    }

    /**
     * Starts the settings of a client: it trusts the JDK's default trust store unless
     * {@link Builder#trust} or {@link Builder#pin} says otherwise.
     *
     * @return a builder
     */
    public static Builder client() {
        return new Builder(true);
    }

    /**
     * Makes an engine for one peer, configured for DTLS 1.2 only, these cipher suites, this
     * datagram size, and no retransmissions of its own (the session times them).
     *
     * @param peer the peer's address
     * @return a new engine in client or server mode
     */
    SSLEngine newEngine(InetSocketAddress peer) {
        String host = client ? Optional.ofNullable(serverName).orElse(peer.getHostString()) : null;
        SSLEngine engine = client ? context.createSSLEngine(host, peer.getPort()) : context.createSSLEngine();
        engine.setUseClientMode(client);
        SSLParameters parameters = engine.getSSLParameters();
        parameters.setProtocols(new String[] {"DTLSv1.2"});
        parameters.setCipherSuites(cipherSuites);
        parameters.setMaximumPacketSize(maxDatagramSize);
        parameters.setEnableRetransmissions(false);
        if (client) {
            if (serverName != null && !com.google.common.net.InetAddresses.isInetAddress(serverName)) {
                parameters.setServerNames(List.of(new SNIHostName(serverName)));
            }
            if (checkHostname) {
                parameters.setEndpointIdentificationAlgorithm("HTTPS");
            }
        } else if (clientAuth == ClientAuth.REQUIRED) {
            parameters.setNeedClientAuth(true);
        } else if (clientAuth == ClientAuth.WANTED) {
            parameters.setWantClientAuth(true);
        }
        engine.setSSLParameters(parameters);
        return engine;
    }

    /**
     * Returns the protection of an engine whose datagrams ride in this configuration's records.
     *
     * @return a protection that adds and checks nothing, DTLS doing both
     */
    public static io.github.udpkit.core.protocol.PacketProtection recordCarried() {
        return RecordCarriedProtection.INSTANCE;
    }

    /** @return whether this is a client's configuration */
    public boolean isClient() {
        return client;
    }

    /** @return the largest datagram a record is packed into */
    public int maxDatagramSize() {
        return maxDatagramSize;
    }

    /** @return the handshake deadline */
    public Duration handshakeTimeout() {
        return handshakeTimeout;
    }

    /** @return the first handshake retransmission interval */
    public Duration initialRetransmit() {
        return initialRetransmit;
    }

    /** @return the cap on the doubling retransmission interval */
    public Duration maxRetransmit() {
        return maxRetransmit;
    }

    /** @return the most handshakes a server runs at once */
    public int maxHandshakes() {
        return maxHandshakes;
    }

    /** @return the most associations kept at once */
    public int maxSessions() {
        return maxSessions;
    }

    /** @return how long an established association may be silent before it is dropped */
    public Duration idleTimeout() {
        return idleTimeout;
    }

    /** @return new handshakes each source may start per second */
    public double handshakesPerSecond() {
        return handshakesPerSecond;
    }

    /** @return new handshakes a source may start at once */
    public int handshakeBurst() {
        return handshakeBurst;
    }

    /** @return the enabled cipher suites, in preference order */
    public List<String> cipherSuites() {
        return List.of(cipherSuites);
    }

    /** @return the server name a client sends and checks, if set */
    public Optional<String> serverName() {
        return Optional.ofNullable(serverName);
    }

    @Override
    public String toString() {
        return "DtlsConfig[" + (client ? "client" : "server") + ", DTLSv1.2, " + String.join(",", cipherSuites)
                + ", datagram " + maxDatagramSize + ", handshake timeout " + handshakeTimeout + "]";
    }

    private static KeyManager[] keyManagers(KeyStore store, char[] password) throws GeneralSecurityException {
        KeyManagerFactory factory = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        factory.init(store, password);
        return factory.getKeyManagers();
    }

    private static TrustManager[] trustManagers(Builder b) throws GeneralSecurityException {
        if (!b.pins.isEmpty()) {
            return new TrustManager[] {new PinnedTrust(b.pins)};
        }
        TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        if (b.trusted.isEmpty()) {
            factory.init((KeyStore) null); // the JDK's default trust store
        } else {
            KeyStore store = emptyStore();
            int i = 0;
            for (X509Certificate certificate : b.trusted) {
                store.setCertificateEntry("ca-" + i++, certificate);
            }
            factory.init(store);
        }
        return factory.getTrustManagers();
    }

    private static KeyStore emptyStore() throws GeneralSecurityException {
        KeyStore store = KeyStore.getInstance("PKCS12");
        try {
            store.load(null, null);
        } catch (java.io.IOException e) {
            throw new IllegalStateException("an empty key store cannot fail to load", e);
        }
        return store;
    }

    /** Trusts exactly the certificates whose SHA-256 fingerprint is pinned, whoever signed them. */
    private static final class PinnedTrust extends X509ExtendedTrustManager {
        private final Set<String> pins;

        PinnedTrust(Set<String> pins) {
            this.pins = Set.copyOf(pins);
        }

        private void check(X509Certificate[] chain) throws CertificateException {
            if (chain == null || chain.length == 0) {
                throw new CertificateException("the peer presented no certificate");
            }
            chain[0].checkValidity();
            String fingerprint = GeneratedCertificate.fingerprint(chain[0]);
            if (!pins.contains(fingerprint)) {
                throw new CertificateException("certificate " + chain[0].getSubjectX500Principal().getName()
                        + " with SHA-256 fingerprint " + fingerprint + " is not pinned");
            }
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            check(chain);
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            check(chain);
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
            check(chain);
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
            check(chain);
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
            check(chain);
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
            check(chain);
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
        }
    }

    /**
     * Settings of a {@link DtlsConfig}, validated as they are set.
     *
     * @since 0.1.0
     */
    public static final class Builder {
        private final boolean client;
        private KeyStore keyStore;
        private char[] keyPassword;
        private final List<X509Certificate> trusted = new ArrayList<>();
        private final Set<String> pins = new LinkedHashSet<>();
        private String serverName;
        private boolean skipHostnameCheck;
        private ClientAuth clientAuth = ClientAuth.NONE;
        private final List<String> cipherSuites = new ArrayList<>();
        private int maxDatagramSize = DEFAULT_DATAGRAM_SIZE;
        private Duration handshakeTimeout = DEFAULT_HANDSHAKE_TIMEOUT;
        private Duration initialRetransmit = Duration.ofSeconds(1);
        private Duration maxRetransmit = Duration.ofSeconds(60);
        private int maxHandshakes = 1024;
        private int maxSessions = 10_000;
        private Duration idleTimeout = Duration.ofMinutes(5);
        private double handshakesPerSecond = 10;
        private int handshakeBurst = 20;

        private Builder(boolean client) {
            this.client = client;
        }

        /**
         * Uses a certificate chain and private key read from the PEM files {@code openssl} (or
         * {@code udpkit keygen}) writes.
         *
         * @param chain the certificate file, own certificate first, then any intermediates
         * @param key the private key file (PKCS #8, SEC1 or PKCS #1, unencrypted)
         * @return this
         * @throws IllegalArgumentException if a file holds no usable certificate or key
         */
        public Builder certificate(Path chain, Path key) {
            Objects.requireNonNull(chain, "chain");
            Objects.requireNonNull(key, "key");
            return certificate(Pem.readCertificates(chain), Pem.readPrivateKey(key));
        }

        /**
         * Uses a certificate chain and private key.
         *
         * @param chain own certificate first
         * @param key its private key
         * @return this
         */
        public Builder certificate(List<X509Certificate> chain, PrivateKey key) {
            Objects.requireNonNull(key, "key");
            checkArgument(!chain.isEmpty(), "certificate chain is empty");
            try {
                KeyStore store = emptyStore();
                char[] password = new char[0];
                store.setKeyEntry("udpkit", key, password, chain.toArray(X509Certificate[]::new));
                return keyStore(store, password);
            } catch (GeneralSecurityException e) {
                throw new IllegalArgumentException("certificate and key do not go together: " + e.getMessage(), e);
            }
        }

        /**
         * Uses the key entries of a key store.
         *
         * @param store a loaded key store
         * @param password the keys' password
         * @return this
         */
        public Builder keyStore(KeyStore store, char[] password) {
            this.keyStore = Objects.requireNonNull(store, "store");
            this.keyPassword = Objects.requireNonNull(password, "password").clone();
            return this;
        }

        /**
         * Trusts the certificates of a PEM file (a CA bundle, or a self-signed certificate) as anchors.
         *
         * @param caBundle the file
         * @return this
         */
        public Builder trust(Path caBundle) {
            Objects.requireNonNull(caBundle, "caBundle");
            return trust(Pem.readCertificates(caBundle));
        }

        /**
         * Trusts certificates as anchors.
         *
         * @param anchors the CA certificates
         * @return this
         */
        public Builder trust(List<X509Certificate> anchors) {
            checkArgument(!anchors.isEmpty(), "no trust anchors given");
            checkState(pins.isEmpty(), "trust by CA and by pinned fingerprint cannot be combined: pins %s", pins);
            trusted.addAll(anchors);
            return this;
        }

        /**
         * Trusts a peer certificate by its SHA-256 fingerprint, whoever signed it; the pin is the
         * identity, so a client then checks no host name.
         *
         * @param sha256 64 hex digits, colons allowed ({@code openssl x509 -fingerprint -sha256} prints that)
         * @return this
         */
        public Builder pin(String sha256) {
            Objects.requireNonNull(sha256, "sha256");
            String hex = sha256.replace(":", "").toLowerCase(Locale.ROOT);
            checkArgument(hex.length() == 64 && hex.chars().allMatch(c -> Character.digit(c, 16) >= 0),
                    "a SHA-256 fingerprint is 64 hex digits: %s", sha256);
            checkState(trusted.isEmpty(), "trust by CA and by pinned fingerprint cannot be combined");
            HexFormat.of().parseHex(hex);
            pins.add(hex);
            return this;
        }

        /**
         * Sets the name a client sends (SNI) and checks the server's certificate against.
         *
         * @param name a DNS name or an address literal; the peer's address is checked when unset
         * @return this
         */
        public Builder serverName(String name) {
            Objects.requireNonNull(name, "name");
            checkArgument(!name.isBlank() && name.length() <= 253, "server name must be 1..253 characters: '%s'", name);
            this.serverName = name;
            return this;
        }

        /**
         * Makes a client trust a certificate whatever name it was issued for. Only for peers that
         * have no name; prefer {@link #serverName} or {@link #pin}.
         *
         * @return this
         */
        public Builder skipHostnameCheck() {
            this.skipHostnameCheck = true;
            return this;
        }

        /**
         * Makes a server ask clients for certificates, checked against {@link #trust}.
         *
         * @param mode whether clients may decline
         * @return this
         */
        public Builder clientAuth(ClientAuth mode) {
            this.clientAuth = Objects.requireNonNull(mode, "mode");
            return this;
        }

        /**
         * Restricts the cipher suites; the default is every ECDHE AES-GCM and ChaCha20-Poly1305
         * suite the JDK has.
         *
         * @param suites standard names, in preference order
         * @return this
         */
        public Builder cipherSuites(String... suites) {
            checkArgument(suites.length > 0, "no cipher suites given");
            for (String suite : suites) {
                checkArgument(PREFERRED_SUITES.contains(suite),
                        "cipher suite %s is not an ECDHE AEAD suite of DTLS 1.2; choose from %s", suite, PREFERRED_SUITES);
            }
            cipherSuites.clear();
            cipherSuites.addAll(Arrays.asList(suites));
            return this;
        }

        /**
         * Sets the largest datagram the handshake and each record are packed into.
         *
         * @param bytes 256 to 16,384
         * @return this
         */
        public Builder maxDatagramSize(int bytes) {
            checkArgument(bytes >= 256 && bytes <= 16_384, "maxDatagramSize must be in 256..16384: %s", bytes);
            this.maxDatagramSize = bytes;
            return this;
        }

        /**
         * Sets the handshake deadline, after which a handshake fails.
         *
         * @param timeout 1 second to 10 minutes
         * @return this
         */
        public Builder handshakeTimeout(Duration timeout) {
            Objects.requireNonNull(timeout, "timeout");
            checkArgument(timeout.compareTo(Duration.ofSeconds(1)) >= 0 && timeout.compareTo(Duration.ofMinutes(10)) <= 0,
                    "handshakeTimeout must be in 1s..10min: %s", timeout);
            this.handshakeTimeout = timeout;
            return this;
        }

        /**
         * Sets the retransmission timer: the first interval, doubled on every retransmission up to
         * the cap (RFC 6347 recommends 1 s and 60 s, the defaults).
         *
         * @param initial 10 ms to 10 s
         * @param max at least the initial interval, at most 60 s
         * @return this
         */
        public Builder retransmit(Duration initial, Duration max) {
            Objects.requireNonNull(initial, "initial");
            Objects.requireNonNull(max, "max");
            checkArgument(initial.compareTo(Duration.ofMillis(10)) >= 0 && initial.compareTo(Duration.ofSeconds(10)) <= 0,
                    "initial retransmit must be in 10ms..10s: %s", initial);
            checkArgument(max.compareTo(initial) >= 0 && max.compareTo(Duration.ofSeconds(60)) <= 0,
                    "max retransmit must be in %s..60s: %s", initial, max);
            this.initialRetransmit = initial;
            this.maxRetransmit = max;
            return this;
        }

        /**
         * Limits the handshakes a server runs at once; a ClientHello beyond it is dropped, unanswered.
         *
         * @param handshakes 1 to 1,000,000
         * @return this
         */
        public Builder maxHandshakes(int handshakes) {
            checkArgument(handshakes >= 1 && handshakes <= 1_000_000, "maxHandshakes must be in 1..1000000: %s", handshakes);
            this.maxHandshakes = handshakes;
            return this;
        }

        /**
         * Limits the associations kept at once.
         *
         * @param sessions 1 to 1,000,000
         * @return this
         */
        public Builder maxSessions(int sessions) {
            checkArgument(sessions >= 1 && sessions <= 1_000_000, "maxSessions must be in 1..1000000: %s", sessions);
            this.maxSessions = sessions;
            return this;
        }

        /**
         * Sets how long an established association may go without a datagram either way before
         * it is closed (with close_notify) and its state dropped: peers that vanish without
         * closing must not hold a place in {@link #maxSessions} for ever.
         * This is the RAW mode's; in the framed modes the association is the connection's, and ends
         * with it at the engine's idle timeout ({@code EngineConfig.Builder.idleTimeout}).
         *
         * @param timeout 1 second to 1 day
         * @return this
         */
        public Builder idleTimeout(Duration timeout) {
            Objects.requireNonNull(timeout, "timeout");
            checkArgument(timeout.compareTo(Duration.ofSeconds(1)) >= 0 && timeout.compareTo(Duration.ofDays(1)) <= 0,
                    "idleTimeout must be in 1s..1d: %s", timeout);
            this.idleTimeout = timeout;
            return this;
        }

        /**
         * Limits how many handshakes each source address may start (a token bucket per source).
         *
         * @param perSecond sustained rate, 0.001 to 1e9
         * @param burst how many at once, 1 to 1,000,000
         * @return this
         */
        public Builder handshakeRate(double perSecond, int burst) {
            checkArgument(perSecond >= 0.001 && perSecond <= 1e9, "handshake rate must be in 0.001..1e9: %s", perSecond);
            checkArgument(burst >= 1 && burst <= 1_000_000, "handshake burst must be in 1..1000000: %s", burst);
            this.handshakesPerSecond = perSecond;
            this.handshakeBurst = burst;
            return this;
        }

        /**
         * Builds the configuration and the JDK's DTLS context behind it.
         *
         * @return the configuration
         * @throws IllegalStateException if a server has no certificate, or a server requiring client
         *     certificates trusts nothing explicitly
         */
        public DtlsConfig build() {
            checkState(client || keyStore != null, "a DTLS server needs a certificate and key: certificate(chain, key)");
            checkState(client || clientAuth == ClientAuth.NONE || !trusted.isEmpty() || !pins.isEmpty(),
                    "a server asking for client certificates needs trust(...) or pin(...) for them");
            return new DtlsConfig(this);
        }
    }
}
