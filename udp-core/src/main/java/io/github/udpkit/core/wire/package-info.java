/**
 * The udpkit wire format, specified in {@code docs/PROTOCOL.md}: the datagram header, the frames,
 * their allocation-free reader and writer used by the protocol engine, and an immutable model
 * ({@link io.github.udpkit.core.wire.Datagram}) for tests and tools.
 */
package io.github.udpkit.core.wire;
