package io.github.udpkit.api;

import java.nio.ByteBuffer;
import java.util.Objects;
import java.util.function.Function;

/**
 * Turns application values into the bytes of a message and back; it knows nothing of sockets.
 *
 * <p>Implementations must be thread-safe: an endpoint encodes on the caller's thread and decodes
 * on its I/O thread. {@link Codecs} holds the common ones; {@link #map} derives new ones.
 *
 * @param <T> the type of value carried
 * @since 0.1.0
 */
public interface Codec<T> {

    /**
     * Encodes a value.
     *
     * @param value the value, never {@code null}
     * @return the bytes to send; the caller will not modify them
     * @throws CodecException if the value cannot be encoded
     */
    byte[] encode(T value);

    /**
     * Encodes a value straight into a buffer, at its position: how an endpoint encodes a
     * batch ({@code Endpoint.batch()}), into the one array that carries all its messages,
     * without an intermediate array per message. The default encodes with {@link #encode(Object)}
     * and copies; the built-in codecs of {@link Codecs} write directly.
     *
     * <p>When the encoding fits in {@code into.remaining()} bytes, it is written and the position
     * advanced past it. When it does not, nothing is written, the position is left as it was, and
     * the size the encoding needs is returned negated, so that the caller can make room and call
     * again. An empty encoding always fits.
     *
     * @param value the value, never {@code null}
     * @param into where to write, from its position
     * @return the number of bytes written, or the negated number needed when they do not fit
     * @throws CodecException if the value cannot be encoded
     * @since 0.1.0
     */
    default int encode(T value, ByteBuffer into) {
        byte[] bytes = encode(value);
        if (bytes.length > into.remaining()) {
            return -bytes.length;
        }
        into.put(bytes);
        return bytes.length;
    }

    /**
     * Decodes the remaining bytes of a buffer. The codec may read the buffer only during this call
     * and must not keep a reference to it.
     *
     * @param bytes the received bytes, from position to limit
     * @return the decoded value, never {@code null}
     * @throws CodecException if the bytes are not a valid encoding; nothing else
     */
    T decode(ByteBuffer bytes);

    /**
     * Decodes a whole array; a convenience for {@code decode(ByteBuffer.wrap(bytes))}.
     *
     * @param bytes the received bytes
     * @return the decoded value
     * @throws CodecException if the bytes are not a valid encoding
     */
    default T decode(byte[] bytes) {
        return decode(ByteBuffer.wrap(bytes));
    }

    /**
     * Derives a codec for another type that travels as this one does.
     *
     * <p>An exception thrown by {@code decoded} is reported as a {@link CodecException}, so a
     * receiver treats a value it cannot map like any other undecodable datagram.
     *
     * @param decoded maps a decoded value of this codec to the new type
     * @param encoded maps a value of the new type to one this codec encodes
     * @param <R> the new type
     * @return the derived codec
     */
    default <R> Codec<R> map(Function<? super T, ? extends R> decoded, Function<? super R, ? extends T> encoded) {
        return Codecs.map(this, decoded, encoded);
    }

    /**
     * Checks a decoded or mapped value on the way out of a codec.
     *
     * @param value the value
     * @param what what it is, for the message
     * @param <V> its type
     * @return the value
     * @throws CodecException if it is {@code null}
     */
    static <V> V requireDecoded(V value, String what) {
        if (value == null) {
            throw new CodecException(what + " produced null");
        }
        return value;
    }

    /**
     * Builds a codec from two functions over byte arrays, for the simple cases.
     *
     * @param encoder value to bytes
     * @param decoder bytes to value; any exception it throws becomes a {@link CodecException}
     * @param <T> the value type
     * @return the codec
     */
    static <T> Codec<T> of(Function<? super T, byte[]> encoder, Function<byte[], ? extends T> decoder) {
        Objects.requireNonNull(encoder, "encoder");
        Objects.requireNonNull(decoder, "decoder");
        return new Codec<>() {
            @Override
            public byte[] encode(T value) {
                return Objects.requireNonNull(encoder.apply(value), "encoder returned null");
            }

            @Override
            public T decode(ByteBuffer bytes) {
                byte[] copy = new byte[bytes.remaining()];
                bytes.get(copy);
                try {
                    return requireDecoded(decoder.apply(copy), "decoder");
                } catch (CodecException e) {
                    throw e;
                } catch (RuntimeException e) {
                    throw new CodecException("cannot decode " + copy.length + " bytes: " + e, e);
                }
            }
        };
    }
}
