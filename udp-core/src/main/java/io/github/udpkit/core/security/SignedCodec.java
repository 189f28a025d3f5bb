package io.github.udpkit.core.security;

import static com.google.common.base.Preconditions.checkState;

import io.github.udpkit.api.Codec;
import io.github.udpkit.api.CodecException;
import java.nio.ByteBuffer;
import java.util.Objects;

/**
 * A codec wrapper that signs what its codec encodes and verifies what it decodes: each message
 * travels as a {@link SignedMessage} (docs/PROTOCOL.md section 14), in any delivery mode, RAW
 * included, so any language with Ed25519 can check it.
 *
 * <p>Encoding needs a {@link Signer}; decoding needs a {@link SignatureVerifier}. A message that
 * is not a signed message, or that the verifier refuses, throws a {@link CodecException} (a
 * {@link SignatureRejectedException} for refusals), which an endpoint counts under its cause and
 * drops: the application never sees it. {@link #withSigner()} gives the same codec decoding to
 * {@link Signed} values, for applications that want to know who signed. Thread-safe.
 *
 * <pre>{@code
 * Codec<String> codec = SignedCodec.builder(Codecs.utf8()).context("sensors/room-12")
 *         .signer(Signer.of(Identity.readFrom(path), "probe-7"))
 *         .verifier(SignatureVerifier.of(TrustStore.trustOnFirstUse(knownKeys)))
 *         .build();
 * }</pre>
 *
 * @param <T> the payload type
 * @since 0.1.0
 */
public final class SignedCodec<T> implements Codec<T> {

    private final Codec<T> inner;
    private final String context;
    private final Signer signer;
    private final SignatureVerifier verifier;

    private SignedCodec(Builder<T> b) {
        this.inner = b.inner;
        this.context = b.context;
        this.signer = b.signer;
        this.verifier = b.verifier;
    }

    /**
     * Starts a signed codec around another.
     *
     * @param inner the codec of the payload
     * @param <T> the payload type
     * @return a builder
     */
    public static <T> Builder<T> builder(Codec<T> inner) {
        return new Builder<>(inner);
    }

    @Override
    public byte[] encode(T value) {
        checkState(signer != null, "this signed codec has no signer: it only verifies");
        return signer.sign(context, inner.encode(value)).encode();
    }

    @Override
    public T decode(ByteBuffer bytes) {
        return decodeSigned(bytes).payload();
    }

    private Signed<T> decodeSigned(ByteBuffer bytes) {
        if (verifier == null) {
            throw new CodecException("this signed codec has no verifier (no trust store): it refuses what it receives");
        }
        SignedMessage message = SignedMessage.decode(bytes);
        TrustStore.Verdict verdict = verifier.verify(context, message);
        T payload = inner.decode(ByteBuffer.wrap(message.payload()));
        return new Signed<>(Codec.requireDecoded(payload, "inner codec"), message.name(), message.signer(),
                message.sequence(), verdict == TrustStore.Verdict.NEW);
    }

    /**
     * The same codec, decoding to the payload with its signer. Encoding signs a value's payload
     * with this codec's signer; the value's other fields are ignored.
     *
     * @return the codec of {@link Signed} values, sharing this codec's signer and verifier
     */
    public Codec<Signed<T>> withSigner() {
        SignedCodec<T> self = this;
        return new Codec<>() {
            @Override
            public byte[] encode(Signed<T> value) {
                return self.encode(value.payload());
            }

            @Override
            public Signed<T> decode(ByteBuffer bytes) {
                return decodeSigned(bytes);
            }

            @Override
            public String toString() {
                return self + ".withSigner()";
            }
        };
    }

    /**
     * Returns the context messages are signed and verified in.
     *
     * @return the context
     */
    public String context() {
        return context;
    }

    @Override
    public String toString() {
        return "SignedCodec[" + inner + ", context '" + context + "'" + (signer != null ? ", " + signer : "")
                + (verifier != null ? ", " + verifier : "") + "]";
    }

    /**
     * Configures a {@link SignedCodec}; every setter checks its argument at once.
     *
     * @param <T> the payload type
     */
    public static final class Builder<T> {
        private final Codec<T> inner;
        private String context = "";
        private Signer signer;
        private SignatureVerifier verifier;

        private Builder(Codec<T> inner) {
            this.inner = Objects.requireNonNull(inner, "inner");
        }

        /**
         * Sets the context signatures are bound to: a room, a topic, an application's name. A
         * message signed in one context does not verify in another.
         *
         * @param value up to 255 UTF-8 bytes; default empty
         * @return this
         */
        public Builder<T> context(String value) {
            this.context = SignedMessage.checkContext(value);
            return this;
        }

        /**
         * Sets who signs what this codec encodes.
         *
         * @param value the signer
         * @return this
         */
        public Builder<T> signer(Signer value) {
            this.signer = Objects.requireNonNull(value, "signer");
            return this;
        }

        /**
         * Sets who checks what this codec decodes.
         *
         * @param value the verifier
         * @return this
         */
        public Builder<T> verifier(SignatureVerifier value) {
            this.verifier = Objects.requireNonNull(value, "verifier");
            return this;
        }

        /**
         * Builds the codec.
         *
         * @return the codec
         * @throws IllegalStateException if it has neither a signer nor a verifier
         */
        public SignedCodec<T> build() {
            checkState(signer != null || verifier != null, "a signed codec needs a signer, a verifier, or both");
            return new SignedCodec<>(this);
        }
    }
}
