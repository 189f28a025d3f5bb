/**
 * The loopback comparison harness behind {@code udpkit bench} and udp-bench's {@code Compare}: scenarios
 * that measure udpkit next to a raw {@code DatagramChannel} baseline and TCP in the same run, and the
 * table and JSON they report. A module of its own, not deployed: the udpkit command's jar carries it.
 */
package io.github.udpkit.benchkit;
