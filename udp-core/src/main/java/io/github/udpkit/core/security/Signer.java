package io.github.udpkit.core.security;

import static com.google.common.base.Preconditions.checkArgument;

import java.time.Instant;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Signs a stream of messages as one signer: an {@link Identity}, the name it signs as, and its
 * sequence numbers, which go up by one a message.
 *
 * <p>The first sequence number is, by default, the wall-clock time in microseconds when the
 * signer is made, so a sender that restarts starts above where it stopped (as long as it sent
 * fewer than a million messages a second on average), and its receivers' replay windows accept
 * it. Share one signer among all that sign with an identity: two made in the same microsecond
 * would repeat each other's numbers. Thread-safe.
 *
 * @since 0.1.0
 */
public final class Signer {

    private final Identity identity;
    private final String name;
    private final AtomicLong sequence;

    private Signer(Identity identity, String name, long firstSequence) {
        this.identity = Objects.requireNonNull(identity, "identity");
        this.name = SignedMessage.checkName(name);
        checkArgument(firstSequence >= 0, "firstSequence must not be negative: %s", firstSequence);
        this.sequence = new AtomicLong(firstSequence);
    }

    /**
     * A signer whose first sequence number is the current time in microseconds since the epoch.
     *
     * @param identity who signs
     * @param name the name to sign as (empty: by key alone); see {@link SignedMessage#checkName}
     * @return the signer
     */
    public static Signer of(Identity identity, String name) {
        Instant now = Instant.now();
        return new Signer(identity, name, TimeUnit.SECONDS.toMicros(now.getEpochSecond()) + now.getNano() / 1000);
    }

    /**
     * A signer with a chosen first sequence number, for tests and for applications that keep
     * their own.
     *
     * @param identity who signs
     * @param name the name to sign as
     * @param firstSequence the first sequence number, not negative
     * @return the signer
     */
    public static Signer of(Identity identity, String name, long firstSequence) {
        return new Signer(identity, name, firstSequence);
    }

    /**
     * Signs a payload with the next sequence number.
     *
     * @param context the application's context (a room, a topic); a signature holds in it only
     * @param payload the payload; kept, not copied
     * @return the signed message
     */
    public SignedMessage sign(String context, byte[] payload) {
        Objects.requireNonNull(context, "context");
        Objects.requireNonNull(payload, "payload");
        long seq = sequence.getAndIncrement();
        checkArgument(seq >= 0, "the signer's sequence numbers are exhausted");
        return SignedMessage.sign(identity, context, name, seq, payload);
    }

    /**
     * Returns who signs.
     *
     * @return the identity
     */
    public Identity identity() {
        return identity;
    }

    /**
     * Returns the name this signer signs as.
     *
     * @return the name, possibly empty
     */
    public String name() {
        return name;
    }

    /**
     * Returns the sequence number the next message will carry.
     *
     * @return the number
     */
    public long nextSequence() {
        return sequence.get();
    }

    @Override
    public String toString() {
        return "Signer[" + (name.isEmpty() ? "" : name + " ") + identity.publicIdentity() + "]";
    }
}
