/**
 * The I/O driver: one thread per endpoint owning a non-blocking {@code DatagramChannel}, feeding
 * the protocol engine and writing what it returns.
 */
package io.github.udpkit.core.transport;
