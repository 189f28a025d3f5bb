/**
 * Test helpers for udpkit: a {@link io.github.udpkit.testkit.SimulatedNetwork simulated network} that
 * runs nodes such as the protocol engine under virtual time with seeded impairments, the JUnit
 * extension that picks and reports its seed, and a {@link io.github.udpkit.testkit.LossyProxy lossy
 * UDP proxy} for tests over real loopback sockets.
 */
package io.github.udpkit.testkit;
