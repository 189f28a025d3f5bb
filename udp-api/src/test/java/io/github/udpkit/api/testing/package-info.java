/**
 * Test support every module's tests share through udp-api's test-jar, which sits below them all in
 * the module graph (udp-testkit cannot serve udp-core's own tests: it depends on udp-core).
 */
package io.github.udpkit.api.testing;
