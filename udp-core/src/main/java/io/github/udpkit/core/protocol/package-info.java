/**
 * The sans-I/O protocol engine: the per-peer state machines behind the framed delivery modes,
 * fed datagrams and the time, handing back datagrams, messages, peer events and the next
 * deadline. It never touches a socket, a thread or a clock; {@code docs/PROTOCOL.md} describes it.
 */
package io.github.udpkit.core.protocol;
