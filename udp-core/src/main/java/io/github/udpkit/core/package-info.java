/**
 * The udpkit implementation and its fluent entry point, {@link io.github.udpkit.core.Udp}.
 */
package io.github.udpkit.core;
