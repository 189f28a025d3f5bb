/**
 * Self-contained security primitives of udpkit: pre-shared keys, HKDF, AEAD packet protection with
 * session key schedule ({@link io.github.udpkit.core.security.AeadProtection}, the encryption of the
 * framed modes), the anti-replay window, CIDR address filters, per-source rate limits, and Fernet
 * tokens for Python peers. None of them does I/O; only AeadProtection reads the clock, to space its
 * warnings.
 */
package io.github.udpkit.core.security;
