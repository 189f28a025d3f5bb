/**
 * Self-contained security primitives of udpkit: pre-shared keys, HKDF, AEAD packet protection with
 * session key schedule ({@link io.github.udpkit.core.security.AeadProtection}, the encryption of the
 * framed modes), the anti-replay window, CIDR address filters, per-source rate limits, Fernet
 * tokens for Python peers, and Ed25519 identities with signed messages
 * ({@link io.github.udpkit.core.security.SignedCodec}, checked by a
 * {@link io.github.udpkit.core.security.SignatureVerifier} against a
 * {@link io.github.udpkit.core.security.TrustStore}). None of them does I/O but reading and writing
 * key files; only AeadProtection and SignatureVerifier read the clock, to space their warnings, and
 * a Signer to start its sequence numbers.
 */
package io.github.udpkit.core.security;
