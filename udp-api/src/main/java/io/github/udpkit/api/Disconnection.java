package io.github.udpkit.api;

import java.util.Objects;

/**
 * How a {@link Connection} ended: what {@link Connection#closed()} completes with.
 *
 * @param reason why, as a category
 * @param detail a one-line description, with the peer's own words where it gave any (its close or
 *     refusal reason)
 * @since 0.1.0
 */
public record Disconnection(DisconnectReason reason, String detail) {

    /** Checks that neither part is null. */
    public Disconnection {
        Objects.requireNonNull(reason, "reason");
        Objects.requireNonNull(detail, "detail");
    }
}
