package io.github.udpkit.api;

import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Who a peer proved to be in a DTLS handshake: the certificate chain it presented (verified by the
 * endpoint's trust settings) and the cipher suite the session runs on. A client that was not asked
 * for a certificate presents none, and its chain is empty.
 *
 * @param chain the peer's verified certificates, its own first; empty if it presented none
 * @param cipherSuite the negotiated cipher suite, e.g. {@code TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256}
 * @since 0.1.0
 */
public record PeerIdentity(List<X509Certificate> chain, String cipherSuite) {

    /** Copies the chain and checks that nothing is {@code null}. */
    public PeerIdentity {
        chain = List.copyOf(chain);
        Objects.requireNonNull(cipherSuite, "cipherSuite");
    }

    /**
     * Returns the subject of the peer's own certificate, as RFC 2253 writes it.
     *
     * @return e.g. {@code CN=server.example}, or empty if the peer presented no certificate
     */
    public Optional<String> subject() {
        return chain.isEmpty() ? Optional.empty() : Optional.of(chain.get(0).getSubjectX500Principal().getName());
    }

    /**
     * Describes the identity in one line.
     *
     * @return the subject (or "anonymous") and the cipher suite
     */
    @Override
    public String toString() {
        return subject().orElse("anonymous") + " (" + cipherSuite + ")";
    }
}
