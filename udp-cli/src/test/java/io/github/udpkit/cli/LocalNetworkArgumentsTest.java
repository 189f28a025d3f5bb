package io.github.udpkit.cli;

import org.junit.jupiter.api.Test;

/**
 * Mistakes in the multicast, discovery and plain-chat options: one line, exit code 2, no stack
 * trace, and nothing sent (so these run on the host, outside a namespace).
 */
class LocalNetworkArgumentsTest {

    @Test
    void shouldRefuseAGroupThatIsNotMulticast() {
        Cli.run("listen", "--group", "10.1.2.3", "--port", "0").assertUsageError("--group 10.1.2.3 is not a multicast address");
    }

    @Test
    void shouldRefuseAReliableSendToAGroup() {
        Cli.run("send", "--reliable", "239.255.77.1:5000", "x")
                .assertUsageError("239.255.77.1:5000 is a multicast group: reliable delivery needs one peer");
    }

    @Test
    void shouldRefuseABadTtlOrInterface() {
        Cli.run("send", "--ttl", "300", "239.255.77.1:5000", "x").assertUsageError("multicastTtl must be in 0..255: 300");
        Cli.run("send", "--interface", "nosuch0", "239.255.77.1:5000", "x")
                .assertUsageError("no network interface called nosuch0");
    }

    @Test
    void shouldAskForAServerOrDiscover() {
        Cli.run("chat", "--name", "a").assertUsageError("HOST:PORT");
        Cli.run("chat", "--discover", "127.0.0.1:12000", "--name", "a").assertUsageError("not both");
        Cli.run("chat", "127.0.0.1:12000").assertUsageError("--name");
        Cli.run("chat", "--plain", "--key-file", "k", "127.0.0.1:12000")
                .assertUsageError("--plain sends plain text");
    }

    @Test
    void shouldRefuseBadDiscoveryOptions() {
        Cli.run("discover", "--timeout", "2m").assertUsageError("discovery timeout must be 1 ms to 1 minute");
        Cli.run("discover", "--discovery-port", "0").assertUsageError("--discovery-port must be in 1..65535: 0");
    }
}
