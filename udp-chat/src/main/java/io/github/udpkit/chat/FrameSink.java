package io.github.udpkit.chat;

import java.net.InetSocketAddress;

/**
 * Where {@link ChatServerCore} puts the frames it wants sent: the server driver sends each through
 * its endpoint, a test records them, a simulation routes them.
 *
 * @since 0.1.0
 */
@FunctionalInterface
public interface FrameSink {

    /**
     * Sends, or queues to send, one frame to one address. It must not call back into the core.
     *
     * @param to the member's address
     * @param frame the frame; the same instance may go to many members
     */
    void send(InetSocketAddress to, ChatFrame frame);
}
