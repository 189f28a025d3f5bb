package io.github.udpkit.api;

import java.net.InetSocketAddress;
import java.util.Objects;

/**
 * A peer refused the conversation {@link Endpoint#connect} opened: its application answered the
 * first message with a reason ({@link EndpointListener#onConnectRequest}), which this exception
 * carries.
 *
 * @since 0.1.0
 */
public class ConnectionRefusedException extends UdpException {
    private static final long serialVersionUID = 1L;

    private final transient InetSocketAddress peer;
    private final String reason;

    /**
     * Creates the exception.
     *
     * @param peer the peer that refused
     * @param reason the reason it gave, possibly empty
     */
    public ConnectionRefusedException(InetSocketAddress peer, String reason) {
        super("connection to " + peer + " refused: " + reason);
        this.peer = Objects.requireNonNull(peer, "peer");
        this.reason = Objects.requireNonNull(reason, "reason");
    }

    /**
     * Returns the peer that refused.
     *
     * @return its address
     */
    public InetSocketAddress peer() {
        return peer;
    }

    /**
     * Returns the reason the peer gave, in its own words.
     *
     * @return the reason, at most 200 bytes of UTF-8, possibly empty
     */
    public String reason() {
        return reason;
    }
}
