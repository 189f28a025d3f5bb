package io.github.udpkit.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import org.junit.jupiter.api.Test;

/** Where a send goes: a wildcard destination is this host, a family the socket cannot reach is refused at once. */
class AddressesTest {
    private static final InetSocketAddress IPV4_LOCAL = new InetSocketAddress("127.0.0.1", 5000);
    private static final InetSocketAddress IPV6_LOCAL = new InetSocketAddress("::1", 5000);
    private static final InetSocketAddress DUAL_STACK = new InetSocketAddress("::", 5000);

    @Test
    void shouldSendToTheLoopbackAddressWhenGivenAWildcard() {
        assertEquals(new InetSocketAddress("127.0.0.1", 7), Addresses.forSending(new InetSocketAddress("0.0.0.0", 7),
                IPV4_LOCAL));
        assertEquals(new InetSocketAddress("127.0.0.1", 7), Addresses.forSending(new InetSocketAddress("::", 7),
                IPV4_LOCAL));
        assertEquals(new InetSocketAddress("127.0.0.1", 7), Addresses.forSending(new InetSocketAddress("::", 7),
                DUAL_STACK));
        assertEquals(new InetSocketAddress("::1", 7), Addresses.forSending(new InetSocketAddress("0.0.0.0", 7),
                IPV6_LOCAL));
    }

    @Test
    void shouldLeaveOtherAddressesAlone() {
        InetSocketAddress peer = new InetSocketAddress("127.0.0.2", 9);
        assertSame(peer, Addresses.forSending(peer, IPV4_LOCAL));
        assertSame(peer, Addresses.forSending(peer, DUAL_STACK));
    }

    @Test
    void shouldRefuseAFamilyTheSocketCannotReach() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Addresses.forSending(new InetSocketAddress("::1", 9), IPV4_LOCAL));
        assertTrue(e.getMessage().contains("bind an IPv6 or the wildcard address"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> Addresses.forSending(new InetSocketAddress("127.0.0.1", 9), IPV6_LOCAL));
        assertTrue(e.getMessage().contains("bind an IPv4 or the wildcard address"), e.getMessage());
    }
}
