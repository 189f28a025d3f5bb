package io.github.udpkit.core;

import io.github.udpkit.api.Codec;
import java.util.Objects;

/**
 * The entry point of udpkit: {@code Udp.endpoint(codec)} starts a fluent, validating builder of an
 * {@link io.github.udpkit.api.Endpoint}.
 *
 * <pre>{@code
 * try (Endpoint<String> ep = Udp.endpoint(Codecs.utf8()).bind(0).open()) {
 *     ep.send("hello").to("localhost", 12000);
 *     Message<String> reply = ep.receive(Duration.ofSeconds(2));
 * }
 * }</pre>
 *
 * @since 0.1.0
 */
public final class Udp {

    private Udp() {
    }

    /**
     * Starts building an endpoint whose messages are values of the codec's type.
     *
     * @param codec turns values into bytes and back
     * @param <T> the payload type
     * @return a builder with the defaults: wildcard address, ephemeral port, {@code RAW} mode
     */
    public static <T> EndpointBuilder<T> endpoint(Codec<T> codec) {
        return new EndpointBuilder<>(Objects.requireNonNull(codec, "codec"));
    }
}
