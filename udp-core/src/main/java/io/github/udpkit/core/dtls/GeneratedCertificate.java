package io.github.udpkit.core.dtls;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.PrivateKey;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.util.HexFormat;
import java.util.Objects;

/**
 * A certificate made by {@link CertificateBuilder} and its private key.
 *
 * @param certificate the certificate
 * @param privateKey its key
 * @since 0.1.0
 */
public record GeneratedCertificate(X509Certificate certificate, PrivateKey privateKey) {

    /** Checks that nothing is {@code null}. */
    public GeneratedCertificate {
        Objects.requireNonNull(certificate, "certificate");
        Objects.requireNonNull(privateKey, "privateKey");
    }

    /**
     * Writes the certificate and the key as PEM, as {@code openssl} would: the key as PKCS #8,
     * readable by its owner only where the file system has POSIX permissions.
     *
     * @param certificateFile where the certificate goes
     * @param keyFile where the key goes
     * @throws UncheckedIOException if a file cannot be written
     */
    public void writePem(Path certificateFile, Path keyFile) {
        try {
            Files.writeString(certificateFile, certificatePem(), StandardCharsets.US_ASCII);
            Files.deleteIfExists(keyFile);
            try {
                Files.createFile(keyFile, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            } catch (UnsupportedOperationException e) {
                Files.createFile(keyFile);
            }
            Files.writeString(keyFile, Pem.encode("PRIVATE KEY", privateKey.getEncoded()), StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + certificateFile + " and " + keyFile + ": " + e.getMessage(), e);
        }
    }

    /**
     * Returns the certificate as PEM text.
     *
     * @return one {@code CERTIFICATE} block
     */
    public String certificatePem() {
        return Pem.encode("CERTIFICATE", encoded(certificate));
    }

    /**
     * Returns the SHA-256 fingerprint of a certificate, the form {@link DtlsConfig.Builder#pin} takes.
     *
     * @param certificate the certificate
     * @return 64 lowercase hex digits
     */
    public static String fingerprint(X509Certificate certificate) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(encoded(certificate)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK lacks SHA-256", e);
        }
    }

    private static byte[] encoded(X509Certificate certificate) {
        try {
            return certificate.getEncoded();
        } catch (CertificateEncodingException e) {
            throw new IllegalStateException("certificate cannot be encoded: " + e.getMessage(), e);
        }
    }
}
