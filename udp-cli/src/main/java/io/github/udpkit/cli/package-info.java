/**
 * The {@code udpkit} command: echo servers over UDP and TCP, send, listen, an interactive client and
 * a demo, built with picocli on the udpkit library; the only place in udpkit that writes to the console.
 */
package io.github.udpkit.cli;
