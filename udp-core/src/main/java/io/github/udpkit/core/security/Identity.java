package io.github.udpkit.core.security;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Objects;

/**
 * Who a peer is: an Ed25519 key pair whose private half signs messages and whose public half,
 * {@link #publicIdentity()}, lets anyone check them.
 *
 * <p>An identity file is the PEM {@code PRIVATE KEY} (PKCS#8) that
 * {@code openssl genpkey -algorithm ed25519} writes, and udpkit writes the same, so either tool
 * reads the other's. {@link #toString()} shows the public key's fingerprint, never the private key.
 * Instances are immutable and thread-safe; signing uses the {@link Ed25519} implementation the
 * identity was made or read with.
 *
 * @since 0.1.0
 */
public final class Identity {

    private static final String PEM_TYPE = "PRIVATE KEY";

    private final byte[] seed;
    private final PublicIdentity publicIdentity;
    private final Ed25519 ed25519;
    private final PrivateKey privateKey;

    private Identity(byte[] seed, byte[] publicKey, Ed25519 ed25519) {
        this.seed = seed;
        this.publicIdentity = PublicIdentity.of(publicKey);
        this.ed25519 = ed25519;
        this.privateKey = ed25519.privateKey(seed);
    }

    /**
     * Generates a new identity with the {@linkplain Ed25519#defaultInstance() default} Ed25519.
     *
     * @return the identity
     */
    public static Identity generate() {
        return generate(Ed25519.defaultInstance(), new SecureRandom());
    }

    /**
     * Generates a new identity.
     *
     * @param ed25519 the implementation that will sign
     * @param random a cryptographically strong random source
     * @return the identity
     */
    public static Identity generate(Ed25519 ed25519, SecureRandom random) {
        Objects.requireNonNull(ed25519, "ed25519");
        Objects.requireNonNull(random, "random");
        byte[][] pair = ed25519.generate(random);
        return new Identity(pair[0], pair[1], ed25519);
    }

    /**
     * Makes the identity of a 32-byte private key seed (RFC 8032's private key).
     *
     * @param seed the seed; copied
     * @param ed25519 the implementation that will sign
     * @return the identity
     */
    public static Identity fromSeed(byte[] seed, Ed25519 ed25519) {
        Objects.requireNonNull(seed, "seed");
        Objects.requireNonNull(ed25519, "ed25519");
        byte[] copy = seed.clone();
        return new Identity(copy, ed25519.publicKeyOf(copy), ed25519);
    }

    /**
     * Parses a PEM {@code PRIVATE KEY} block holding an Ed25519 key.
     *
     * @param pem the text; anything around the block is ignored
     * @param ed25519 the implementation that will sign
     * @return the identity
     * @throws IllegalArgumentException if there is no such block or it holds no Ed25519 key; the
     *     message never repeats the key
     */
    public static Identity fromPem(String pem, Ed25519 ed25519) {
        Objects.requireNonNull(pem, "pem");
        byte[] der = PublicIdentity.Pem.decode(pem, PEM_TYPE, "identity PEM");
        try {
            return fromSeed(Ed25519.seedFromPkcs8(der, "identity PEM"), ed25519);
        } finally {
            Arrays.fill(der, (byte) 0);
        }
    }

    /**
     * Reads an identity file, as {@link #writeTo} or {@code openssl genpkey -algorithm ed25519}
     * writes it, for the {@linkplain Ed25519#defaultInstance() default} Ed25519. A file others may
     * read is still read, with a warning logged.
     *
     * @param file the file
     * @return the identity
     * @throws IllegalArgumentException naming the file, if it is missing, unreadable, too large or
     *     holds no Ed25519 private key
     */
    public static Identity readFrom(Path file) {
        return readFrom(file, Ed25519.defaultInstance());
    }

    /**
     * Reads an identity file for the given Ed25519 implementation.
     *
     * @param file the file
     * @param ed25519 the implementation that will sign
     * @return the identity
     * @throws IllegalArgumentException naming the file, if it is missing, unreadable, too large or
     *     holds no Ed25519 private key
     */
    public static Identity readFrom(Path file, Ed25519 ed25519) {
        byte[] content = SecretFiles.read(file, "identity file");
        try {
            return fromPem(new String(content, StandardCharsets.US_ASCII), ed25519);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("identity file " + file + ": " + e.getMessage(), e);
        } finally {
            Arrays.fill(content, (byte) 0);
        }
    }

    /**
     * Writes the private key to a new file as PEM (PKCS#8), readable and writable by its owner only
     * on POSIX file systems, from its creation on.
     *
     * @param file where to write; must not exist yet
     * @throws IllegalArgumentException naming the file, if it exists or cannot be written
     */
    public void writeTo(Path file) {
        byte[] text = toPem().getBytes(StandardCharsets.US_ASCII);
        try {
            SecretFiles.writeNew(file, text, "identity file");
        } finally {
            Arrays.fill(text, (byte) 0);
        }
    }

    /**
     * Returns the private key as PEM, PKCS#8, exactly as {@code openssl genpkey -algorithm ed25519}
     * writes it. A secret.
     *
     * @return the PEM text, ending with a newline
     */
    public String toPem() {
        return PublicIdentity.Pem.encode(PEM_TYPE, Ed25519.concat(Ed25519.PKCS8_PREFIX, seed));
    }

    /**
     * Returns the public half, which peers need to check this identity's signatures.
     *
     * @return the public identity
     */
    public PublicIdentity publicIdentity() {
        return publicIdentity;
    }

    /**
     * The public key's short fingerprint; see {@link PublicIdentity#fingerprint()}.
     *
     * @return the fingerprint
     */
    public String fingerprint() {
        return publicIdentity.fingerprint();
    }

    /**
     * Returns the implementation this identity signs with.
     *
     * @return the Ed25519 implementation
     */
    public Ed25519 ed25519() {
        return ed25519;
    }

    /**
     * Signs bytes with the private key (pure Ed25519, RFC 8032 section 5.1.6).
     *
     * @param message the bytes to sign
     * @return the 64-byte signature
     */
    public byte[] sign(byte[] message) {
        Objects.requireNonNull(message, "message");
        return ed25519.sign(privateKey, message);
    }

    /**
     * Describes the identity by its public key's fingerprint only.
     *
     * @return {@code Identity[ed25519:FINGERPRINT]}
     */
    @Override
    public String toString() {
        return "Identity[" + publicIdentity + "]";
    }
}
