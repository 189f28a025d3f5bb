/**
 * DTLS 1.2 for udpkit endpoints: a sans-I/O session around the JDK's {@code SSLEngine}, with the
 * timers, cookies, replay window and admission limits the bare engine leaves out.
 */
package io.github.udpkit.core.dtls;
