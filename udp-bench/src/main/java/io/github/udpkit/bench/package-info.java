/**
 * udpkit's benchmarks: JMH microbenchmarks of the hot paths, and {@link io.github.udpkit.bench.Compare},
 * the loopback comparison with the raw socket, TCP, Aeron and Netty in one run.
 */
package io.github.udpkit.bench;
