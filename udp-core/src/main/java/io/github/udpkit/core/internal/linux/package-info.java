/**
 * Batched UDP I/O on Linux through the FFM API: the real classes are in the jar's
 * {@code META-INF/versions/22}; on JDK 17 to 21 only a stand-in that opens nothing. Not API.
 */
package io.github.udpkit.core.internal.linux;
