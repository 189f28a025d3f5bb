/**
 * DTLS 1.2 for udpkit endpoints: a sans-I/O session around the JDK's {@code SSLEngine}, with the
 * timers, cookies, replay window and admission limits the bare engine leaves out; the protocol
 * engine's record layer ({@code DtlsLayer}) for the framed modes, and a thin host for RAW.
 */
package io.github.udpkit.core.dtls;
