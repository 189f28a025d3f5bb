/**
 * Self-contained security primitives of udpkit: pre-shared keys, HKDF, AEAD packet protection with
 * session key schedule, the anti-replay window, CIDR address filters, per-source rate limits, and
 * Fernet tokens for Python peers. None of them does I/O or reads a clock.
 */
package io.github.udpkit.core.security;
