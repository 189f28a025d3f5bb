/**
 * Small helpers shared by udp-core's packages; not API, may change in any release.
 */
package io.github.udpkit.core.internal;
