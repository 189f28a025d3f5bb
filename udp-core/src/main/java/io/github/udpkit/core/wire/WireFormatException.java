package io.github.udpkit.core.wire;

import io.github.udpkit.api.UdpException;

/**
 * Bytes are not a valid udpkit datagram; thrown by {@link Datagram#decode}, the model decoder.
 * (The engine's own reader reports the same faults as return codes, so hostile input costs no
 * exception.)
 *
 * @since 0.1.0
 */
public class WireFormatException extends UdpException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message what is wrong with the bytes
     */
    public WireFormatException(String message) {
        super(message);
    }
}
