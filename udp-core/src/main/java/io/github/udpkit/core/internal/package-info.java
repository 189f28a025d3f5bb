/**
 * Small helpers shared by udp-core's packages; not API, may change without notice.
 */
package io.github.udpkit.core.internal;
