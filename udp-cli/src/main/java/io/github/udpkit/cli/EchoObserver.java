package io.github.udpkit.cli;

import java.net.InetSocketAddress;
import java.time.Instant;

/**
 * Hears what an echo server does, to print it (the echo-server command) or to show it (the demo).
 * Called on the server's threads; every method has a do-nothing default.
 */
interface EchoObserver {

    /** A UDP peer sent its first datagram, or a TCP client connected. */
    default void peer(String protocol, InetSocketAddress peer, int open) {
    }

    /**
     * A message came in and its reply went out.
     *
     * @param receivedAt when the message was received
     * @param repliedAt when the reply was handed to the socket
     */
    default void echoed(String protocol, InetSocketAddress peer, byte[] received, Instant receivedAt,
                        byte[] replied, Instant repliedAt) {
    }

    /** Input was dropped: {@code why} says why (not UTF-8, reply too large, too many connections). */
    default void dropped(String protocol, InetSocketAddress peer, String why) {
    }

    /** A TCP client went away. */
    default void closed(String protocol, InetSocketAddress peer, long bytesIn, long bytesOut, int open) {
    }
}
