package io.github.udpkit.api;

import java.net.InetSocketAddress;

/**
 * Receives the datagrams that reach a framed endpoint but are not udpkit frames (they do not start
 * with the protocol's magic bytes): plain text from a netcat or a Python script, a discovery
 * probe. Set one with {@code EndpointBuilder.onUnframed(handler)}; without one such datagrams are
 * counted as malformed and dropped. Answer them, if at all, with {@link Endpoint#sendUnframed}.
 *
 * <p>It runs on the endpoint's I/O thread after the address filter and rate limit, and must
 * return quickly. An exception it throws goes to the endpoint's
 * {@link EndpointListener#onError error listener}; the loop goes on.
 *
 * @since 0.1.0
 */
@FunctionalInterface
public interface UnframedHandler {

    /**
     * Handles one datagram that is not a udpkit frame.
     *
     * @param from its source address
     * @param datagram its bytes, a copy the handler may keep
     */
    void onUnframed(InetSocketAddress from, byte[] datagram);
}
