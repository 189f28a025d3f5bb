package io.github.udpkit.chat;

import io.github.udpkit.api.UdpException;
import java.util.Objects;

/**
 * The server refused to let a client join: {@link ChatClient#joined()} fails with it.
 *
 * @since 0.1.0
 */
public class ChatRejectedException extends UdpException {
    private static final long serialVersionUID = 1L;

    private final ChatReason reason;

    /**
     * Creates the exception.
     *
     * @param rejection what the server said
     */
    public ChatRejectedException(ChatNotice rejection) {
        super("join refused: " + Objects.requireNonNull(rejection, "rejection").text() + " (" + rejection.reason() + ")");
        this.reason = rejection.reason();
    }

    /**
     * Why the server refused.
     *
     * @return the reason
     */
    public ChatReason reason() {
        return reason;
    }
}
