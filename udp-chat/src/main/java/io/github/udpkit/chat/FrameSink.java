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

    /**
     * Sends, or queues to send, one line of text as one plain datagram (UTF-8, no frame) to a
     * plain member; see {@link ChatServerConfig.Builder#plainMembers}. It must not call back into
     * the core. The core calls it only for plain members, which exist only where the driver feeds
     * it plain datagrams ({@link ChatServerCore#onPlainDatagram}): a sink for a server without
     * them need not implement it.
     *
     * @param to the plain member's address
     * @param line the line, without a line break
     */
    default void sendPlain(InetSocketAddress to, String line) {
        throw new UnsupportedOperationException("this sink does not serve plain members; line to " + to + ": " + line);
    }
}
