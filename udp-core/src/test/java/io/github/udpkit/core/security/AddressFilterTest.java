package io.github.udpkit.core.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.common.net.InetAddresses;
import java.math.BigInteger;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.UnknownHostException;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class AddressFilterTest {

    private static InetAddress ip(String text) {
        return InetAddresses.forString(text);
    }

    /** An IPv4-mapped IPv6 address that stays an Inet6Address (InetAddress.getByAddress would convert it). */
    private static InetAddress mapped(String ipv4) throws UnknownHostException {
        byte[] v4 = ip(ipv4).getAddress();
        byte[] v6 = new byte[16];
        v6[10] = (byte) 0xff;
        v6[11] = (byte) 0xff;
        System.arraycopy(v4, 0, v6, 12, 4);
        return Inet6Address.getByAddress(null, v6, (NetworkInterface) null);
    }

    @ParameterizedTest
    @CsvSource({
        "10.0.0.0/8,          10.0.0.0/8,        true,  8",
        "' 192.168.1.7 ',     192.168.1.7/32,    true,  32",
        "0.0.0.0/0,           0.0.0.0/0,         true,  0",
        "::1,                 ::1/128,           false, 128",
        "2001:DB8::/32,       2001:db8::/32,     false, 32",
        "::/0,                ::/0,              false, 0",
        "::ffff:10.0.0.0/104, 10.0.0.0/8,        true,  8",
        "::ffff:1.2.3.4,      1.2.3.4/32,        true,  32",
        "::ffff:0:0/96,       0.0.0.0/0,         true,  0",
        "::/80,               ::/80,             false, 80",
    })
    void shouldParseToCanonicalRanges(String text, String canonical, boolean ipv4, int prefix) {
        CidrRange range = CidrRange.parse(text);
        assertEquals(canonical, range.toString());
        assertEquals(ipv4, range.isIpv4());
        assertEquals(prefix, range.prefixLength());
        assertEquals(range, CidrRange.parse(range.toString()), "toString parses back");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
        "\"\"                | empty",
        "10.0.0.0/33       | prefix length must be 0..32 for IPv4: 33",
        "::/129            | prefix length must be 0..128 for IPv6: 129",
        "10.0.0.0/         | prefix length '' is not a number",
        "10.0.0.0/8/8      | prefix length '8/8' is not a number",
        "10.0.0.0/-1       | prefix length '-1' is not a number",
        "10.0.0.0/ 8       | prefix length ' 8' is not a number",
        "10.0.0.0/0008     | prefix length '0008' is not a number",
        "300.1.1.1/8       | '300.1.1.1' is not an IP address",
        "example.com       | 'example.com' is not an IP address",
        "10.1.2.3/8        | did you mean 10.0.0.0/8?",
        "2001:db8::1/32    | did you mean 2001:db8::/32?",
        "fe80::1%eth0/64   | zone ids are not supported",
    })
    void shouldRejectBadRangesNamingTheText(String text, String problem) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> CidrRange.parse(text));
        assertTrue(e.getMessage().contains("'" + text + "'"), e.getMessage());
        assertTrue(e.getMessage().contains(problem), e.getMessage());
    }

    @Test
    void shouldMatchAddressesOfItsFamilyOnly() throws UnknownHostException {
        CidrRange ten = CidrRange.parse("10.0.0.0/8");
        assertTrue(ten.contains(ip("10.255.1.2")));
        assertFalse(ten.contains(ip("11.0.0.0")));
        assertTrue(ten.contains(mapped("10.1.1.1")), "IPv4-mapped IPv6 counts as IPv4");
        assertFalse(ten.contains(ip("::a00:1")), "IPv4-compatible is plain IPv6");
        CidrRange all6 = CidrRange.parse("::/0");
        assertTrue(all6.contains(ip("2001:db8::1")));
        assertFalse(all6.contains(ip("10.0.0.1")));
        assertFalse(all6.contains(mapped("10.0.0.1")));
        assertTrue(CidrRange.parse("::1").contains(ip("::1")));
        assertFalse(CidrRange.parse("::1").contains(ip("::2")));
    }

    @Property(tries = 500)
    void shouldAgreeWithBigIntegerPrefixComparison(
            @ForAll @Size(16) byte[] network, @ForAll @Size(16) byte[] candidate,
            @ForAll @IntRange(min = 0, max = 128) int prefix, @ForAll boolean ipv4) throws UnknownHostException {
        int bits = ipv4 ? 32 : 128;
        int p = Math.min(prefix, bits);
        byte[] net = ipv4 ? java.util.Arrays.copyOf(network, 4) : network;
        byte[] cand = ipv4 ? java.util.Arrays.copyOf(candidate, 4) : candidate;
        if (!ipv4) {
            net[0] |= 0x20; // keep clear of the mapped block, which is IPv4 by definition
            cand[0] = p == 0 ? (byte) (cand[0] | 0x20) : cand[0];
        }
        BigInteger mask = BigInteger.ONE.shiftLeft(bits).subtract(BigInteger.ONE)
                .xor(BigInteger.ONE.shiftLeft(bits - p).subtract(BigInteger.ONE));
        BigInteger netValue = new BigInteger(1, net).and(mask);
        byte[] masked = toBytes(netValue, net.length);
        InetAddress netAddress = ipv4 ? InetAddress.getByAddress(masked)
                : Inet6Address.getByAddress(null, masked, (NetworkInterface) null);
        CidrRange range = CidrRange.parse(InetAddresses.toAddrString(netAddress) + "/" + p);
        InetAddress candidateAddress = ipv4 ? InetAddress.getByAddress(cand)
                : Inet6Address.getByAddress(null, cand, (NetworkInterface) null);
        boolean candidateMapped = !ipv4 && new BigInteger(1, cand).shiftRight(32).equals(BigInteger.valueOf(0xFFFF));
        boolean expected = !candidateMapped && new BigInteger(1, cand).and(mask).equals(netValue);
        assertEquals(expected, range.contains(candidateAddress), range + " contains " + candidateAddress);
        assertTrue(range.contains(netAddress));
    }

    @Test
    void shouldLetDenyWinAndAllowOnlyTheAllowList() throws UnknownHostException {
        AddressFilter filter = AddressFilter.builder()
                .allow("10.0.0.0/8").allow("2001:db8::/32")
                .deny("10.66.0.0/16").deny(CidrRange.parse("2001:db8:bad::/48"))
                .build();
        assertTrue(filter.isAllowed(ip("10.1.2.3")));
        assertFalse(filter.isAllowed(ip("10.66.1.1")), "deny wins over allow");
        assertFalse(filter.isAllowed(ip("192.168.1.1")), "not on the allow list");
        assertTrue(filter.isAllowed(ip("2001:db8::5")));
        assertFalse(filter.isAllowed(ip("2001:db8:bad::5")));
        assertFalse(filter.isAllowed(ip("2001:db9::5")));
        assertTrue(filter.isAllowed(mapped("10.1.2.3")));
        assertFalse(filter.isAllowed(mapped("10.66.2.3")));
        assertTrue(filter.isAllowed(new InetSocketAddress(ip("10.1.2.3"), 9000)));
        assertFalse(filter.isAllowed(InetSocketAddress.createUnresolved("10.1.2.3", 9000)), "unresolved is refused");
        assertEquals(List.of(CidrRange.parse("10.0.0.0/8"), CidrRange.parse("2001:db8::/32")), filter.allowList());
    }

    @Test
    void shouldAllowEverythingNotDeniedWhenTheAllowListIsEmpty() {
        AddressFilter filter = AddressFilter.builder().deny(List.of("127.0.0.0/8", "::1")).build();
        assertFalse(filter.isAllowed(ip("127.0.0.1")));
        assertFalse(filter.isAllowed(ip("::1")));
        assertTrue(filter.isAllowed(ip("8.8.8.8")));
        assertTrue(filter.isAllowed(ip("2001:db8::1")));
        assertSame(AddressFilter.allowAll(), AddressFilter.builder().build());
        assertTrue(AddressFilter.allowAll().isAllowed(ip("1.2.3.4")));
    }

    @Test
    void shouldAllowOnlyIpv4WhenTheAllowListHasOnlyIpv4() {
        AddressFilter filter = AddressFilter.builder().allow(List.of("0.0.0.0/0")).build();
        assertTrue(filter.isAllowed(ip("203.0.113.9")));
        assertFalse(filter.isAllowed(ip("2001:db8::1")));
    }

    @ParameterizedTest
    @ValueSource(strings = {"10.0.0.0/x", "not-an-ip", "1.2.3.4/8"})
    void shouldReportTheBadRangeFromTheBuilder(String bad) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> AddressFilter.builder().allow("10.0.0.0/8").deny(bad));
        assertTrue(e.getMessage().contains(bad), e.getMessage());
    }

    private static byte[] toBytes(BigInteger value, int length) {
        byte[] raw = value.toByteArray();
        byte[] out = new byte[length];
        int copy = Math.min(raw.length, length);
        System.arraycopy(raw, raw.length - copy, out, length - copy, copy);
        return out;
    }
}
