/**
 * The simulated network under virtual time that udp-testkit publishes and udp-core's engine tests
 * drive. Not API: exported to udp-testkit alone, whose {@code SimulatedNetwork} is its facade.
 */
package io.github.udpkit.core.simulation;
