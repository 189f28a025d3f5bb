package io.github.udpkit.core.dtls;

import static com.google.common.base.Preconditions.checkArgument;

import com.google.common.net.InetAddresses;
import java.io.ByteArrayInputStream;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.Objects;

/**
 * Makes X.509 v3 certificates with P-256 keys signed with SHA256withECDSA, written byte by byte
 * in DER (RFC 5280), so that a DTLS endpoint can have a certificate without {@code openssl} or a
 * dependency: {@code udpkit keygen} uses it. A certificate is self-signed unless
 * {@link #signedBy} names an issuer, and names its subject's common name in subjectAltName too
 * (as a DNS name, or an IP address for an address literal), which is what clients check.
 *
 * @since 0.1.0
 */
public final class CertificateBuilder {
    private static final String ECDSA_WITH_SHA256 = "1.2.840.10045.4.3.2";
    private static final String COMMON_NAME = "2.5.4.3";
    private static final String SUBJECT_ALT_NAME = "2.5.29.17";
    private static final String BASIC_CONSTRAINTS = "2.5.29.19";
    private static final String KEY_USAGE = "2.5.29.15";

    private final String name;
    private ZonedDateTime notBefore;
    private ZonedDateTime notAfter;
    private boolean ca = true;
    private GeneratedCertificate issuer;
    private final SecureRandom random = new SecureRandom();

    private CertificateBuilder(String name) {
        this.name = name;
        ZonedDateTime now = ZonedDateTime.now(ZoneOffset.UTC).withNano(0);
        this.notBefore = now.minusHours(1); // a little slack for clocks behind ours
        this.notAfter = now.plusDays(365);
    }

    /**
     * Starts a certificate for a name.
     *
     * @param name the subject's common name, and its DNS name or IP address: e.g. {@code localhost}
     * @return a builder for a self-signed certificate valid for one year from an hour ago, usable
     *     as its own trust anchor
     */
    public static CertificateBuilder forName(String name) {
        Objects.requireNonNull(name, "name");
        checkArgument(!name.isBlank() && name.length() <= 64, "certificate name must be 1..64 characters: '%s'", name);
        return new CertificateBuilder(name);
    }

    /**
     * Sets how long the certificate is valid from now.
     *
     * @param validity positive, at most 100 years
     * @return this
     */
    public CertificateBuilder validFor(Duration validity) {
        Objects.requireNonNull(validity, "validity");
        checkArgument(!validity.isNegative() && !validity.isZero() && validity.toDays() <= 36_500,
                "validity must be positive and at most 100 years: %s", validity);
        this.notAfter = ZonedDateTime.now(ZoneOffset.UTC).withNano(0).plus(validity);
        return this;
    }

    /**
     * Sets the validity period outright, in the past for an expired certificate.
     *
     * @param from the first instant of validity
     * @param until the last
     * @return this
     */
    public CertificateBuilder validity(ZonedDateTime from, ZonedDateTime until) {
        checkArgument(from.isBefore(until), "validity must start before it ends: %s .. %s", from, until);
        this.notBefore = from;
        this.notAfter = until;
        return this;
    }

    /**
     * Makes an end-entity certificate, which may not sign others (the default is a CA, so that a
     * self-signed certificate can be its own trust anchor).
     *
     * @return this
     */
    public CertificateBuilder leaf() {
        this.ca = false;
        return this;
    }

    /**
     * Has the certificate signed by another one instead of itself.
     *
     * @param issuer a CA certificate and its key
     * @return this
     */
    public CertificateBuilder signedBy(GeneratedCertificate issuer) {
        this.issuer = Objects.requireNonNull(issuer, "issuer");
        return this;
    }

    /**
     * Generates the key pair and the certificate.
     *
     * @return the certificate and its private key
     */
    public GeneratedCertificate build() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec("secp256r1"), random);
            KeyPair pair = generator.generateKeyPair();
            byte[] subject = Der.sequence(Der.set(Der.sequence(Der.oid(COMMON_NAME), Der.utf8(name))));
            byte[] issuerName = issuer == null ? subject : issuer.certificate().getSubjectX500Principal().getEncoded();
            PrivateKey signer = issuer == null ? pair.getPrivate() : issuer.privateKey();
            byte[] algorithm = Der.sequence(Der.oid(ECDSA_WITH_SHA256));
            byte[] serial = new byte[16];
            random.nextBytes(serial);
            byte[] altName = InetAddresses.isInetAddress(name)
                    ? Der.implicit(7, InetAddresses.forString(name).getAddress())
                    : Der.implicit(2, name.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            // keyUsage bits: digitalSignature (0), and keyCertSign (5) for a CA.
            byte[] keyUsage = ca ? new byte[] {1, (byte) 0x84} : new byte[] {7, (byte) 0x80};
            byte[] extensions = Der.sequence(
                    Der.sequence(Der.oid(SUBJECT_ALT_NAME), Der.octetString(Der.sequence(altName))),
                    Der.sequence(Der.oid(BASIC_CONSTRAINTS), Der.bool(true),
                            Der.octetString(ca ? Der.sequence(Der.bool(true)) : Der.sequence())),
                    Der.sequence(Der.oid(KEY_USAGE), Der.bool(true), Der.octetString(Der.tlv(Der.BIT_STRING, keyUsage))));
            byte[] tbs = Der.sequence(
                    Der.explicit(0, Der.integer(2)),
                    Der.integer(new BigInteger(1, serial)),
                    algorithm,
                    issuerName,
                    Der.sequence(Der.time(notBefore), Der.time(notAfter)),
                    subject,
                    pair.getPublic().getEncoded(),
                    Der.explicit(3, extensions));
            Signature signature = Signature.getInstance("SHA256withECDSA");
            signature.initSign(signer, random);
            signature.update(tbs);
            byte[] certificate = Der.sequence(tbs, algorithm, Der.bitString(signature.sign()));
            X509Certificate x509 = (X509Certificate) CertificateFactory.getInstance("X.509")
                    .generateCertificate(new ByteArrayInputStream(certificate));
            return new GeneratedCertificate(x509, pair.getPrivate());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK could not make a P-256 certificate: " + e.getMessage(), e);
        }
    }
}
