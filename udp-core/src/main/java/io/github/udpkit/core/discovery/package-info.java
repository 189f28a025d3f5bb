/**
 * Discovery on the local network: servers answer probes sent to a well-known multicast group and
 * to the broadcast address with their name, port and rooms, in replies never larger than the probe
 * and rate-limited, so that discovery cannot amplify traffic. The wire format is in
 * {@code docs/PROTOCOL.md}, section 15.
 */
package io.github.udpkit.core.discovery;
