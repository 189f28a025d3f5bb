/** Helpers shared by udp-core's own tests. */
package io.github.udpkit.core.testing;
