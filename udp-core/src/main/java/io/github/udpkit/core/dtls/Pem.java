package io.github.udpkit.core.dtls;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads and writes the PEM files {@code openssl} writes (RFC 7468): certificates, and private keys
 * as PKCS #8 ({@code PRIVATE KEY}), SEC1 ({@code EC PRIVATE KEY}) or PKCS #1
 * ({@code RSA PRIVATE KEY}). Encrypted keys are refused with a message saying how to decrypt them.
 *
 * @since 0.1.0
 */
public final class Pem {
    private static final Pattern BLOCK = Pattern.compile(
            "-----BEGIN ([A-Z0-9 ]+)-----\\s*([A-Za-z0-9+/=\\s:,-]*?)-----END \\1-----");
    private static final String EC_PUBLIC_KEY = "1.2.840.10045.2.1";
    private static final String RSA_ENCRYPTION = "1.2.840.113549.1.1.1";

    private Pem() {}

    /**
     * Reads every certificate of a PEM file: a chain (own certificate first) or a CA bundle.
     *
     * @param file the file
     * @return the certificates, at least one
     * @throws IllegalArgumentException if the file holds no certificate or a malformed one
     * @throws UncheckedIOException if it cannot be read
     */
    public static List<X509Certificate> readCertificates(Path file) {
        String text = read(file);
        List<X509Certificate> certificates = new ArrayList<>();
        CertificateFactory factory;
        try {
            factory = CertificateFactory.getInstance("X.509");
        } catch (CertificateException e) {
            throw new IllegalStateException("the JDK lacks X.509 certificates", e);
        }
        Matcher m = BLOCK.matcher(text);
        while (m.find()) {
            if (!m.group(1).equals("CERTIFICATE") && !m.group(1).equals("TRUSTED CERTIFICATE")) {
                continue;
            }
            try {
                certificates.add((X509Certificate) factory.generateCertificate(new ByteArrayInputStream(decode(m.group(2), file))));
            } catch (CertificateException e) {
                throw new IllegalArgumentException("malformed certificate in " + file + ": " + e.getMessage(), e);
            }
        }
        if (certificates.isEmpty()) {
            throw new IllegalArgumentException("no PEM certificate (-----BEGIN CERTIFICATE-----) in " + file);
        }
        return certificates;
    }

    /**
     * Reads the private key of a PEM file.
     *
     * @param file the file, as {@code openssl genpkey}, {@code openssl ecparam -genkey},
     *     {@code openssl req -newkey} or {@code udpkit keygen} write it
     * @return the key
     * @throws IllegalArgumentException if the file holds no key, an encrypted one or a malformed one
     * @throws UncheckedIOException if it cannot be read
     */
    public static PrivateKey readPrivateKey(Path file) {
        String text = read(file);
        Matcher m = BLOCK.matcher(text);
        while (m.find()) {
            String type = m.group(1);
            byte[] der;
            switch (type) {
                case "PRIVATE KEY" -> der = decode(m.group(2), file);
                case "EC PRIVATE KEY" -> der = ecToPkcs8(decode(m.group(2), file), file);
                case "RSA PRIVATE KEY" -> der = Der.sequence(Der.integer(0),
                        Der.sequence(Der.oid(RSA_ENCRYPTION), Der.nullValue()), Der.octetString(decode(m.group(2), file)));
                case "ENCRYPTED PRIVATE KEY" -> throw new IllegalArgumentException("the private key in " + file
                        + " is encrypted: decrypt it with `openssl pkey -in " + file + " -out plain.pem`");
                default -> {
                    continue;
                }
            }
            if (m.group(2).contains("Proc-Type")) {
                throw new IllegalArgumentException("the private key in " + file + " is encrypted: decrypt it with "
                        + "`openssl pkey -in " + file + " -out plain.pem`");
            }
            return pkcs8(der, file);
        }
        throw new IllegalArgumentException("no PEM private key (-----BEGIN PRIVATE KEY-----) in " + file);
    }

    /**
     * Writes DER content as one PEM block, lines of 64 characters.
     *
     * @param type the block's label, e.g. {@code CERTIFICATE}
     * @param der the content
     * @return the PEM text, ending with a newline
     */
    public static String encode(String type, byte[] der) {
        String base64 = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der);
        return "-----BEGIN " + type + "-----\n" + base64 + "\n-----END " + type + "-----\n";
    }

    private static PrivateKey pkcs8(byte[] der, Path file) {
        PKCS8EncodedKeySpec spec = new PKCS8EncodedKeySpec(der);
        for (String algorithm : new String[] {"EC", "RSA", "Ed25519", "Ed448"}) {
            try {
                return KeyFactory.getInstance(algorithm).generatePrivate(spec);
            } catch (GeneralSecurityException e) {
                // not this algorithm: try the next
            }
        }
        throw new IllegalArgumentException("the private key in " + file + " is not an EC, RSA or EdDSA key udpkit can read");
    }

    /** SEC1's ECPrivateKey (RFC 5915) wrapped in PKCS #8 with the curve it names. */
    private static byte[] ecToPkcs8(byte[] sec1, Path file) {
        try {
            Der.Reader key = new Der.Reader(sec1).enter(Der.SEQUENCE);
            key.read(Der.INTEGER);
            key.read(Der.OCTET_STRING);
            byte[] curve = null;
            while (key.hasMore()) {
                if (key.peekTag() == 0xA0) {
                    curve = key.enter(0xA0).readEncoded();
                } else {
                    key.readEncoded();
                }
            }
            if (curve == null) {
                throw new IllegalArgumentException("the EC private key in " + file + " does not name its curve");
            }
            return Der.sequence(Der.integer(0), Der.sequence(Der.oid(EC_PUBLIC_KEY), curve), Der.octetString(sec1));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("malformed EC private key in " + file + ": " + e.getMessage(), e);
        }
    }

    private static byte[] decode(String base64, Path file) {
        String body = base64;
        int headersEnd = body.indexOf("\n\n");
        if (body.contains(":") && headersEnd >= 0) {
            body = body.substring(headersEnd + 2); // RFC 1421 headers of legacy encrypted keys
        }
        try {
            return Base64.getMimeDecoder().decode(body);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("malformed base64 in " + file, e);
        }
    }

    private static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }
}
