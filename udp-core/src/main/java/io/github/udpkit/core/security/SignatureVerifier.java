package io.github.udpkit.core.security;

import static com.google.common.base.Preconditions.checkArgument;

import io.github.udpkit.core.internal.ThrottledLog;
import io.github.udpkit.core.security.SignatureRejectedException.Reason;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decides whether to believe a {@link SignedMessage}: its key must be trusted for its name by a
 * {@link TrustStore}, its signature must verify in the receiver's context, and its sequence number
 * must be new for its signer.
 *
 * <p>Replay protection keeps a {@link ReplayWindow} per signer key, for at most
 * {@link Builder#maxSigners} signers, the least recently heard forgotten first; a forgotten
 * signer's next message is accepted as its first (see docs/PROTOCOL.md section 14.3). Checks run
 * cheapest first: an unknown key in a pinned store and a replayed sequence number are refused
 * before any cryptography, a changed key only after its signature verified (so a report of a
 * changed key means its holder really signed). Only a message that passed every check moves its
 * signer's window or teaches a trust-on-first-use store. Refusals are logged as warnings, at most
 * one a second, with the fingerprints involved. Thread-safe (calls are serialised).
 *
 * @since 0.1.0
 */
public final class SignatureVerifier {

    /** The default number of signers whose replay windows are kept. */
    public static final int DEFAULT_MAX_SIGNERS = 4096;

    private static final Logger LOG = LoggerFactory.getLogger(SignatureVerifier.class);

    private final TrustStore trust;
    private final Ed25519 ed25519;
    private final int windowSize;
    /** Per signer heard from: its replay window and its key as the provider's object, decoded once. */
    private final Map<PublicIdentity, SignerState> signers;
    private final ThrottledLog warnings = new ThrottledLog(LOG, TimeUnit.SECONDS.toNanos(1));

    private SignatureVerifier(Builder b) {
        this.trust = b.trust;
        this.ed25519 = b.ed25519 != null ? b.ed25519 : Ed25519.defaultInstance();
        this.windowSize = b.windowSize;
        int max = b.maxSigners;
        this.signers = new LinkedHashMap<>(16, 0.75f, true) {
            private static final long serialVersionUID = 1L;

            @Override
            protected boolean removeEldestEntry(Map.Entry<PublicIdentity, SignerState> eldest) {
                return size() > max;
            }
        };
    }

    /**
     * A verifier with the defaults.
     *
     * @param trust the keys to believe
     * @return the verifier
     */
    public static SignatureVerifier of(TrustStore trust) {
        return builder(trust).build();
    }

    /**
     * Starts a verifier.
     *
     * @param trust the keys to believe
     * @return a builder
     */
    public static Builder builder(TrustStore trust) {
        return new Builder(trust);
    }

    /**
     * Checks a message, and records its sequence number (and, for a new signer under trust on
     * first use, its key) if it passes.
     *
     * @param context the receiver's context: the signature must have been made for it
     * @param message the message
     * @return {@link TrustStore.Verdict#KNOWN}, or {@link TrustStore.Verdict#NEW} the first time a
     *     signer is accepted
     * @throws SignatureRejectedException if the message is refused, with the reason
     */
    public TrustStore.Verdict verify(String context, SignedMessage message) {
        return verify(context, message, message.name(), true);
    }

    /**
     * Checks a message whose signer is known to the trust store under another name than the one it
     * signed as: a chat, say, compares names case-insensitively and keeps them folded.
     *
     * @param context the receiver's context
     * @param message the message
     * @param trustName the name to look the signer's key up by
     * @return {@link TrustStore.Verdict#KNOWN} or {@link TrustStore.Verdict#NEW}
     * @throws SignatureRejectedException if the message is refused, with the reason
     */
    public TrustStore.Verdict verify(String context, SignedMessage message, String trustName) {
        return verify(context, message, trustName, true);
    }

    /**
     * Checks a message that is shown again on purpose, such as a line of a chat room's history:
     * the key and the signature as {@link #verify(String, SignedMessage, String)} does, but not the
     * sequence number, and its signer's replay window is left as it was.
     *
     * @param context the receiver's context
     * @param message the message
     * @param trustName the name to look the signer's key up by
     * @return {@link TrustStore.Verdict#KNOWN} or {@link TrustStore.Verdict#NEW}
     * @throws SignatureRejectedException if the message is refused, with the reason
     */
    public TrustStore.Verdict verifyArchived(String context, SignedMessage message, String trustName) {
        return verify(context, message, trustName, false);
    }

    private synchronized TrustStore.Verdict verify(String context, SignedMessage message, String trustName,
                                                   boolean replayProtected) {
        Objects.requireNonNull(context, "context");
        Objects.requireNonNull(message, "message");
        Objects.requireNonNull(trustName, "trustName");
        String name = trustName;
        PublicIdentity key = message.signer();
        TrustStore.Verdict verdict = trust.check(name, key);
        if (verdict == TrustStore.Verdict.UNKNOWN) {
            throw refuse(Reason.UNKNOWN_KEY, "unknown key " + key.fingerprint() + signerName(name));
        }
        SignerState state = signers.get(key);
        if (replayProtected && state != null && !state.window.check(message.sequence())) {
            throw refuse(Reason.REPLAYED, "replayed sequence number " + message.sequence() + " from "
                    + key.fingerprint() + signerName(name) + " (highest seen " + state.window.highestAccepted() + ")");
        }
        byte[] signed = SignedMessage.toBeSigned(context, message.name(), key, message.sequence(), message.payload());
        boolean valid = state != null ? ed25519.verify(state.providerKey, signed, message.signature())
                : ed25519.verify(key, signed, message.signature());
        if (!valid) {
            throw refuse(Reason.BAD_SIGNATURE, "bad signature by key " + key.fingerprint() + signerName(name)
                    + " in context '" + context + "': altered, forged, or signed for another context");
        }
        if (verdict == TrustStore.Verdict.CHANGED) {
            throw refuse(Reason.CHANGED_KEY, "changed key for " + name + ": signed by " + key.fingerprint()
                    + ", known as " + trust.keyOf(name).map(PublicIdentity::fingerprint).orElse("?"));
        }
        if (verdict == TrustStore.Verdict.NEW && !trust.remember(name, key)) {
            throw refuse(Reason.UNKNOWN_KEY, "new key " + key.fingerprint() + signerName(name)
                    + " not learned: the trust store is full (" + trust.maxEntries() + " entries)");
        }
        if (state == null) {
            state = new SignerState(new ReplayWindow(windowSize), ed25519.publicKey(key.rawUnsafe()));
            signers.put(key, state);
        }
        if (replayProtected) {
            state.window.accept(message.sequence());
        }
        return verdict;
    }

    /** What is kept of a signer whose message was accepted. */
    private record SignerState(ReplayWindow window, java.security.PublicKey providerKey) {
    }

    /**
     * Returns the trust store this verifier believes.
     *
     * @return the store
     */
    public TrustStore trustStore() {
        return trust;
    }

    /**
     * Returns the implementation that verifies.
     *
     * @return the Ed25519 implementation
     */
    public Ed25519 ed25519() {
        return ed25519;
    }

    private SignatureRejectedException refuse(Reason reason, String message) {
        warnings.warn(System.nanoTime(), "refused a signed message: {}", message);
        return new SignatureRejectedException(reason, message);
    }

    private static String signerName(String name) {
        return name.isEmpty() ? "" : " (" + name + ")";
    }

    @Override
    public String toString() {
        return "SignatureVerifier[" + trust + ", " + ed25519 + "]";
    }

    /** Configures a {@link SignatureVerifier}; every setter checks its argument at once. */
    public static final class Builder {
        private final TrustStore trust;
        private Ed25519 ed25519;
        private int maxSigners = DEFAULT_MAX_SIGNERS;
        private int windowSize = ReplayWindow.DEFAULT_SIZE;

        private Builder(TrustStore trust) {
            this.trust = Objects.requireNonNull(trust, "trust");
        }

        /**
         * Sets the Ed25519 implementation; by default {@link Ed25519#defaultInstance()}.
         *
         * @param value the implementation
         * @return this
         */
        public Builder ed25519(Ed25519 value) {
            this.ed25519 = Objects.requireNonNull(value, "ed25519");
            return this;
        }

        /**
         * Sets how many signers' replay windows are kept, the least recently heard dropped first.
         *
         * @param value 1 to 1,000,000; default {@value #DEFAULT_MAX_SIGNERS}
         * @return this
         */
        public Builder maxSigners(int value) {
            checkArgument(value >= 1 && value <= 1_000_000, "maxSigners must be in 1..1000000: %s", value);
            this.maxSigners = value;
            return this;
        }

        /**
         * Sets each signer's replay window: how far below its highest sequence number a message
         * may arrive late and still be accepted once.
         *
         * @param value a multiple of 64 from 64 to 4,096; default 1,024
         * @return this
         */
        public Builder windowSize(int value) {
            new ReplayWindow(value); // its own checks, now
            this.windowSize = value;
            return this;
        }

        /**
         * Builds the verifier.
         *
         * @return the verifier
         */
        public SignatureVerifier build() {
            return new SignatureVerifier(this);
        }
    }
}
