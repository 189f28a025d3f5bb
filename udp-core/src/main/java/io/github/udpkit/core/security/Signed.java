package io.github.udpkit.core.security;

import java.util.Objects;

/**
 * A verified message and who signed it, as {@link SignedCodec#withSigner()} decodes it.
 *
 * @param payload the decoded payload
 * @param name the name the signer signed as, empty for none
 * @param signer the signer's key
 * @param sequence the signer's sequence number
 * @param firstUse whether this is the first message accepted from this signer (its key was just
 *     learned, under trust on first use)
 * @param <T> the payload type
 * @since 0.1.0
 */
public record Signed<T>(T payload, String name, PublicIdentity signer, long sequence, boolean firstUse) {

    /** Checks the fields. */
    public Signed {
        Objects.requireNonNull(payload, "payload");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(signer, "signer");
    }

    /**
     * A value to send through a {@link SignedCodec#withSigner()} codec, which signs the payload
     * with its own signer; the other fields matter only on received values.
     *
     * @param payload the payload
     * @param signer the codec's signer, whose name and key the value shows
     * @param <T> its type
     * @return the value to encode
     */
    public static <T> Signed<T> outgoing(T payload, Signer signer) {
        return new Signed<>(payload, signer.name(), signer.identity().publicIdentity(), signer.nextSequence(), false);
    }
}
