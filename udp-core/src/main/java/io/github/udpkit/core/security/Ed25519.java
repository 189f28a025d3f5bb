package io.github.udpkit.core.security;

import static com.google.common.base.Preconditions.checkArgument;

import java.security.GeneralSecurityException;
import java.security.InvalidKeyException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.Provider;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Security;
import java.security.Signature;
import java.security.SignatureException;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Arrays;
import java.util.Locale;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Ed25519 (RFC 8032) signatures through JCA, with a pluggable provider: the JDK's own by default,
 * Bouncy Castle's when the application puts it on the class path, or any provider it names.
 *
 * <p>The JDK's Ed25519 signs or verifies about 1,000 times a second per core; Bouncy Castle's is
 * several times faster, which matters to a signed stream. udpkit has no dependency on Bouncy
 * Castle: {@link #defaultInstance()} looks for it by class name. The system property
 * {@value #PROVIDER_PROPERTY} overrides the choice ({@code jdk}, {@code bc}, or the name of a
 * registered provider).
 *
 * <p>Keys cross the provider boundary as their standard encodings (PKCS#8, X.509
 * SubjectPublicKeyInfo), so an {@link Identity} made with one provider signs with another.
 * Instances are immutable and thread-safe: each thread gets its own {@link Signature}.
 *
 * @since 0.1.0
 */
public final class Ed25519 {

    /** The system property that names the default provider: {@code jdk}, {@code bc} or a provider name. */
    public static final String PROVIDER_PROPERTY = "udpkit.ed25519.provider";
    /** The length of a public key, and of a private key's seed, in bytes. */
    public static final int KEY_LENGTH = 32;
    /** The length of a signature in bytes. */
    public static final int SIGNATURE_LENGTH = 64;

    private static final Logger LOG = LoggerFactory.getLogger(Ed25519.class);
    private static final String BC_CLASS = "org.bouncycastle.jce.provider.BouncyCastleProvider";
    /** DER of a PKCS#8 v1 Ed25519 private key up to its 32-byte seed (RFC 8410 section 7). */
    static final byte[] PKCS8_PREFIX = hex("302e020100300506032b657004220420");
    /** DER of a PKCS#8 v2 (OneAsymmetricKey) Ed25519 private key up to its seed; the public key follows. */
    private static final byte[] PKCS8_V2_PREFIX = hex("3051020101300506032b657004220420");
    private static final byte[] PKCS8_V2_PUBLIC = hex("812100");
    /** DER of an Ed25519 SubjectPublicKeyInfo up to its 32-byte key (RFC 8410 section 4). */
    static final byte[] SPKI_PREFIX = hex("302a300506032b6570032100");

    private static volatile Ed25519 defaultInstance;

    private final Provider provider; // null: the JDK's resolution of "Ed25519" (no SunEC by that name)
    private final String name;
    private final ThreadLocal<Signature> signatures;
    private final ThreadLocal<KeyFactory> keyFactories;

    private Ed25519(Provider provider) {
        this(provider, provider.getName());
    }

    private Ed25519(Provider provider, String name) {
        this.provider = provider;
        this.name = name;
        this.signatures = ThreadLocal.withInitial(() -> newInstance("Signature"));
        this.keyFactories = ThreadLocal.withInitial(() -> newInstance("KeyFactory"));
        newInstance("Signature"); // fails now, not at the first message, if the provider lacks Ed25519
    }

    /**
     * The JDK's own Ed25519 (the {@code SunEC} provider).
     *
     * @return the JDK's implementation
     */
    public static Ed25519 jdk() {
        // SunEC by name, so that a provider the application registered first is not taken for the JDK's.
        return new Ed25519(Security.getProvider("SunEC"), "JDK");
    }

    /**
     * Ed25519 from the given JCA provider, registered or not.
     *
     * @param provider a provider that implements {@code Signature}, {@code KeyFactory} and
     *     {@code KeyPairGenerator} for {@code Ed25519}
     * @return the provider's implementation
     * @throws IllegalArgumentException if the provider has no Ed25519
     */
    public static Ed25519 of(Provider provider) {
        Objects.requireNonNull(provider, "provider");
        return new Ed25519(provider);
    }

    /**
     * Ed25519 by name: {@code jdk}, {@code bc} (Bouncy Castle, which must be on the class path), or
     * the name of a provider registered with {@link Security}.
     *
     * @param name the name, case-insensitive for {@code jdk} and {@code bc}
     * @return the implementation
     * @throws IllegalArgumentException if there is no such provider, or it has no Ed25519
     */
    public static Ed25519 named(String name) {
        Objects.requireNonNull(name, "name");
        String n = name.trim();
        if (n.equalsIgnoreCase("jdk")) {
            return jdk();
        }
        if (n.equalsIgnoreCase("bc")) {
            Provider bc = bouncyCastle();
            checkArgument(bc != null, "Ed25519 provider 'bc' asked for, but Bouncy Castle (%s) is not on the class path",
                    BC_CLASS);
            return of(bc);
        }
        Provider registered = Security.getProvider(n);
        checkArgument(registered != null, "no JCA provider named '%s' is registered (known: jdk, bc, or a name "
                + "from java.security.Security.getProviders())", n);
        return of(registered);
    }

    /**
     * The implementation udpkit uses unless told otherwise: the one named by the system property
     * {@value #PROVIDER_PROPERTY} when it is set, else Bouncy Castle's when it is on the class path,
     * else the JDK's. Chosen once.
     *
     * @return the default implementation
     */
    public static Ed25519 defaultInstance() {
        Ed25519 d = defaultInstance;
        if (d == null) {
            synchronized (Ed25519.class) {
                d = defaultInstance;
                if (d == null) {
                    String property = System.getProperty(PROVIDER_PROPERTY);
                    if (property != null && !property.isBlank()) {
                        d = named(property);
                    } else {
                        d = bouncyCastleOrJdk();
                    }
                    LOG.debug("Ed25519 provider: {}", d.name);
                    defaultInstance = d;
                }
            }
        }
        return d;
    }

    /** Bouncy Castle's Ed25519 if it is there and has Ed25519 (older releases do not), else the JDK's. */
    private static Ed25519 bouncyCastleOrJdk() {
        Provider bc = bouncyCastle();
        if (bc != null) {
            try {
                return of(bc);
            } catch (IllegalArgumentException e) {
                LOG.warn("Bouncy Castle on the class path has no Ed25519 ({}); using the JDK's", e.getMessage());
            }
        }
        return jdk();
    }

    /** Bouncy Castle's provider, registered or on the class path, or {@code null}. */
    private static Provider bouncyCastle() {
        Provider registered = Security.getProvider("BC");
        if (registered != null) {
            return registered;
        }
        try {
            return (Provider) Class.forName(BC_CLASS, true, Ed25519.class.getClassLoader())
                    .getDeclaredConstructor().newInstance();
        } catch (ClassNotFoundException e) {
            return null;
        } catch (ReflectiveOperationException | LinkageError | ClassCastException e) {
            LOG.warn("Bouncy Castle is on the class path but could not be loaded ({}); using the JDK's Ed25519", e.toString());
            return null;
        }
    }

    /**
     * The provider's name, {@code JDK} for the JDK's own.
     *
     * @return the name
     */
    public String providerName() {
        return name;
    }

    /**
     * Signs a message.
     *
     * @param key the signer's private key, from {@link #privateKey}
     * @param message the bytes to sign
     * @return the 64-byte signature
     */
    byte[] sign(PrivateKey key, byte[] message) {
        Signature s = signatures.get();
        try {
            s.initSign(key);
            s.update(message);
            return s.sign();
        } catch (InvalidKeyException | SignatureException e) {
            throw new IllegalStateException("Ed25519 signing failed with provider " + name + ": " + e, e);
        }
    }

    /**
     * Verifies a raw Ed25519 signature (RFC 8032 section 5.1.7) with this implementation.
     *
     * @param key the signer's public key
     * @param message the signed bytes
     * @param signature the signature
     * @return whether it is valid; false, never an exception, for a malformed key or signature
     */
    public boolean verify(PublicIdentity key, byte[] message, byte[] signature) {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(message, "message");
        Objects.requireNonNull(signature, "signature");
        try {
            return verify(publicKey(key.rawUnsafe()), message, signature);
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    /**
     * Verifies a signature.
     *
     * @param key the signer's public key, from {@link #publicKey}
     * @param message the signed bytes
     * @param signature the signature, 64 bytes
     * @return whether it is valid; never throws for bad input
     */
    boolean verify(PublicKey key, byte[] message, byte[] signature) {
        if (signature.length != SIGNATURE_LENGTH) {
            return false;
        }
        Signature s = signatures.get();
        try {
            s.initVerify(key);
            s.update(message);
            return s.verify(signature);
        } catch (InvalidKeyException | SignatureException | RuntimeException e) {
            // A malformed signature or key is an invalid one, whatever the provider throws.
            return false;
        }
    }

    /** The provider's private key for a 32-byte seed. */
    PrivateKey privateKey(byte[] seed) {
        checkArgument(seed.length == KEY_LENGTH, "an Ed25519 seed must be %s bytes: %s", KEY_LENGTH, seed.length);
        byte[] der = concat(PKCS8_PREFIX, seed);
        try {
            return keyFactories.get().generatePrivate(new PKCS8EncodedKeySpec(der));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("provider " + name + " refused an Ed25519 private key: " + e, e);
        } finally {
            Arrays.fill(der, (byte) 0);
        }
    }

    /**
     * The provider's public key for 32 raw bytes.
     *
     * @throws IllegalArgumentException if the bytes are not a valid Ed25519 public key to the provider
     */
    PublicKey publicKey(byte[] raw) {
        checkArgument(raw.length == KEY_LENGTH, "an Ed25519 public key must be %s bytes: %s", KEY_LENGTH, raw.length);
        try {
            return keyFactories.get().generatePublic(new X509EncodedKeySpec(concat(SPKI_PREFIX, raw)));
        } catch (GeneralSecurityException | RuntimeException e) {
            throw new IllegalArgumentException("not a valid Ed25519 public key (provider " + name + "): " + e, e);
        }
    }

    /**
     * Derives the public key of a seed. JCA offers no call for it, so the seed is fed to the
     * provider's key pair generator as its randomness: RFC 8032's key generation reads exactly
     * 32 random bytes, the seed, and both the JDK's and Bouncy Castle's generators do.
     */
    byte[] publicKeyOf(byte[] seed) {
        KeyPairGenerator generator = newInstance("KeyPairGenerator");
        generator.initialize(255, new FixedSeed(seed));
        return rawPublicKey(generator.generateKeyPair());
    }

    /** Generates a new seed and returns it with its public key: {@code [seed, public]}. */
    byte[][] generate(SecureRandom random) {
        byte[] seed = new byte[KEY_LENGTH];
        random.nextBytes(seed);
        return new byte[][] {seed, publicKeyOf(seed)};
    }

    private static byte[] rawPublicKey(KeyPair pair) {
        byte[] spki = pair.getPublic().getEncoded();
        checkArgument(spki.length == SPKI_PREFIX.length + KEY_LENGTH
                        && Arrays.equals(spki, 0, SPKI_PREFIX.length, SPKI_PREFIX, 0, SPKI_PREFIX.length),
                "unexpected Ed25519 public key encoding of %s bytes", spki.length);
        return Arrays.copyOfRange(spki, SPKI_PREFIX.length, spki.length);
    }

    /**
     * The seed of a DER PKCS#8 Ed25519 private key, version 1 (what OpenSSL and the JDK write) or
     * version 2 with its public key (what Bouncy Castle writes; the public key must then match).
     */
    static byte[] seedFromPkcs8(byte[] der, String what) {
        if (der.length == PKCS8_PREFIX.length + KEY_LENGTH && startsWith(der, PKCS8_PREFIX)) {
            return Arrays.copyOfRange(der, PKCS8_PREFIX.length, der.length);
        }
        int v2Length = PKCS8_V2_PREFIX.length + KEY_LENGTH + PKCS8_V2_PUBLIC.length + KEY_LENGTH;
        if (der.length == v2Length && startsWith(der, PKCS8_V2_PREFIX)
                && Arrays.equals(der, PKCS8_V2_PREFIX.length + KEY_LENGTH, PKCS8_V2_PREFIX.length + KEY_LENGTH
                        + PKCS8_V2_PUBLIC.length, PKCS8_V2_PUBLIC, 0, PKCS8_V2_PUBLIC.length)) {
            return Arrays.copyOfRange(der, PKCS8_V2_PREFIX.length, PKCS8_V2_PREFIX.length + KEY_LENGTH);
        }
        throw new IllegalArgumentException(what + " is not an Ed25519 private key (PKCS#8, as 'openssl genpkey "
                + "-algorithm ed25519' writes): " + der.length + " bytes of DER");
    }

    /** The raw key of a DER SubjectPublicKeyInfo for Ed25519. */
    static byte[] rawFromSpki(byte[] der, String what) {
        checkArgument(der.length == SPKI_PREFIX.length + KEY_LENGTH && startsWith(der, SPKI_PREFIX),
                "%s is not an Ed25519 public key (SubjectPublicKeyInfo, as 'openssl pkey -pubout' writes): %s bytes of DER",
                what, der.length);
        return Arrays.copyOfRange(der, SPKI_PREFIX.length, der.length);
    }

    private <S> S newInstance(String type) {
        try {
            Object instance;
            if (type.equals("Signature")) {
                instance = provider == null ? Signature.getInstance("Ed25519") : Signature.getInstance("Ed25519", provider);
            } else if (type.equals("KeyFactory")) {
                instance = provider == null ? KeyFactory.getInstance("Ed25519") : KeyFactory.getInstance("Ed25519", provider);
            } else {
                instance = provider == null ? KeyPairGenerator.getInstance("Ed25519")
                        : KeyPairGenerator.getInstance("Ed25519", provider);
            }
            @SuppressWarnings("unchecked")
            S s = (S) instance;
            return s;
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("JCA provider " + name + " has no Ed25519 " + type.toLowerCase(Locale.ROOT)
                    + ": " + e.getMessage(), e);
        }
    }

    static byte[] concat(byte[] a, byte[] b) {
        byte[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    private static boolean startsWith(byte[] bytes, byte[] prefix) {
        return bytes.length >= prefix.length && Arrays.equals(bytes, 0, prefix.length, prefix, 0, prefix.length);
    }

    private static byte[] hex(String s) {
        byte[] out = new byte[s.length() / 2];
        for (int i = 0; i < out.length; i++) {
            out[i] = (byte) Integer.parseInt(s.substring(2 * i, 2 * i + 2), 16);
        }
        return out;
    }

    @Override
    public String toString() {
        return "Ed25519[" + name + "]";
    }

    /** A "random" source that yields one seed: how a known seed reaches a JCA key pair generator. */
    private static final class FixedSeed extends SecureRandom {
        private static final long serialVersionUID = 1L;
        private final transient byte[] seed;
        private transient boolean used;

        FixedSeed(byte[] seed) {
            super(new byte[0]);
            this.seed = seed.clone();
        }

        @Override
        public synchronized void nextBytes(byte[] bytes) {
            if (used || bytes.length != seed.length) {
                throw new IllegalStateException("the Ed25519 key pair generator asked for " + bytes.length
                        + " random bytes after its seed; this provider cannot derive a public key from a seed");
            }
            used = true;
            System.arraycopy(seed, 0, bytes, 0, seed.length);
            Arrays.fill(seed, (byte) 0);
        }
    }
}
