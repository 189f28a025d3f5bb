/**
 * The loopback comparison harness behind {@code udpkit bench}: scenarios that measure udpkit next to a
 * raw {@code DatagramChannel} baseline and TCP in the same run, and the table and JSON they report.
 */
package io.github.udpkit.cli.bench;
