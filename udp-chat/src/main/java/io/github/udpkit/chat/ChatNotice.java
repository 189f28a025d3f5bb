package io.github.udpkit.chat;

import java.util.Objects;

/**
 * What the server said when it refused a request or had something to tell: a reason a program can
 * act on and a text a person can read.
 *
 * @param reason why
 * @param text the explanation, never empty (the reason's standard text when the server sent none)
 * @since 0.1.0
 */
public record ChatNotice(ChatReason reason, String text) {

    /** Checks that no component is {@code null}. */
    public ChatNotice {
        Objects.requireNonNull(reason, "reason");
        Objects.requireNonNull(text, "text");
    }
}
