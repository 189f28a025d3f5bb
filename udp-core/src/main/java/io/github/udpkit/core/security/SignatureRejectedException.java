package io.github.udpkit.core.security;

import io.github.udpkit.api.CodecException;
import java.util.Objects;

/**
 * A signed message was refused: its signature is bad, its key unknown or changed, or its sequence
 * number replayed. A {@link CodecException}, so an endpoint drops the message like any other it
 * cannot decode, and counts it under its {@link #reason()}.
 *
 * @since 0.1.0
 */
public final class SignatureRejectedException extends CodecException {
    private static final long serialVersionUID = 1L;

    /** Why a signed message was refused; each is counted on its own in an endpoint's stats. */
    public enum Reason {
        /** The signature does not verify: the message was altered, forged, or moved to another context. */
        BAD_SIGNATURE,
        /** The trust store pins keys and does not hold this one (or is full and cannot learn it). */
        UNKNOWN_KEY,
        /** The trust store holds another key for the signer's name. */
        CHANGED_KEY,
        /** The signer's sequence number was seen already, or is older than its replay window. */
        REPLAYED
    }

    private final Reason reason;

    /**
     * Creates the exception.
     *
     * @param reason why the message was refused
     * @param message what happened, with the fingerprints involved
     */
    public SignatureRejectedException(Reason reason, String message) {
        super(message);
        this.reason = Objects.requireNonNull(reason, "reason");
    }

    /**
     * Returns why the message was refused.
     *
     * @return the reason
     */
    public Reason reason() {
        return reason;
    }
}
