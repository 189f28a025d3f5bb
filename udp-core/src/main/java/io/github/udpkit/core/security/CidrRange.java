package io.github.udpkit.core.security;

import static com.google.common.base.Preconditions.checkArgument;

import com.google.common.net.InetAddresses;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.UnknownHostException;
import java.util.Objects;

/**
 * A block of IP addresses in CIDR notation ({@code 10.0.0.0/8}, {@code 2001:db8::/32}), the unit
 * of {@link AddressFilter}'s allow and deny lists.
 *
 * <p>IPv4 ranges contain IPv4 addresses and IPv6 ranges IPv6 addresses. IPv4-mapped IPv6
 * addresses ({@code ::ffff:a.b.c.d}, as a dual-stack socket may report an IPv4 peer) count as the
 * IPv4 address {@code a.b.c.d}, both when checked and in range text: {@code ::ffff:10.0.0.0/104}
 * is the IPv4 range {@code 10.0.0.0/8}. So {@code ::/0} means every IPv6 address, and no IPv4
 * one. Immutable and thread-safe.
 *
 * @since 0.1.0
 */
public final class CidrRange {
    private static final long MAPPED_PREFIX = 0xFFFF_0000_0000L;

    private final boolean ipv4;
    private final int prefixLength;
    // The network as a 128-bit number hi:lo (IPv4 in the low 32 bits of lo), and its mask.
    private final long hi;
    private final long lo;
    private final long maskHi;
    private final long maskLo;

    private CidrRange(boolean ipv4, long hi, long lo, int prefixLength) {
        this.ipv4 = ipv4;
        this.prefixLength = prefixLength;
        if (ipv4) {
            this.maskHi = 0;
            this.maskLo = prefixLength == 0 ? 0 : (0xFFFF_FFFFL << (32 - prefixLength)) & 0xFFFF_FFFFL;
        } else {
            this.maskHi = prefixLength == 0 ? 0 : prefixLength >= 64 ? -1L : -1L << (64 - prefixLength);
            this.maskLo = prefixLength <= 64 ? 0 : -1L << (128 - prefixLength);
        }
        this.hi = hi;
        this.lo = lo;
    }

    /**
     * Parses a range: an address and a prefix length ({@code 192.168.0.0/16}, {@code fd00::/8}), or
     * a bare address meaning just that address ({@code /32} or {@code /128}). Surrounding
     * whitespace is ignored; the address bits beyond the prefix must be zero.
     *
     * @param text the range
     * @return the range
     * @throws IllegalArgumentException naming the text and what is wrong with it
     */
    public static CidrRange parse(String text) {
        Objects.requireNonNull(text, "text");
        String s = text.strip();
        checkArgument(!s.isEmpty(), "invalid CIDR range '%s': empty", text);
        checkArgument(s.indexOf('%') < 0, "invalid CIDR range '%s': zone ids are not supported", text);
        int slash = s.indexOf('/');
        String addressText = slash < 0 ? s : s.substring(0, slash);
        boolean ipv6Text = addressText.indexOf(':') >= 0;
        InetAddress address;
        try {
            address = InetAddresses.forString(addressText);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(
                    "invalid CIDR range '" + text + "': '" + addressText + "' is not an IP address", e);
        }
        int maxPrefix = ipv6Text ? 128 : 32;
        int prefix = maxPrefix;
        if (slash >= 0) {
            prefix = parsePrefix(s.substring(slash + 1), text);
            checkArgument(prefix <= maxPrefix, "invalid CIDR range '%s': prefix length must be 0..%s for %s: %s",
                    text, maxPrefix, ipv6Text ? "IPv6" : "IPv4", prefix);
        }
        byte[] bytes = address.getAddress();
        CidrRange range;
        if (bytes.length == 4 && !ipv6Text) {
            range = new CidrRange(true, 0, ipv4Bits(bytes), prefix);
        } else if (bytes.length == 4 && prefix >= 96) {
            // IPv4-mapped text, which Guava returns as an Inet4Address: an IPv4 range.
            range = new CidrRange(true, 0, ipv4Bits(bytes), prefix - 96);
        } else if (bytes.length == 4) {
            // A short IPv6 prefix that merely starts in the mapped block stays IPv6.
            range = new CidrRange(false, 0, MAPPED_PREFIX | ipv4Bits(bytes), prefix);
        } else {
            range = new CidrRange(false, longAt(bytes, 0), longAt(bytes, 8), prefix);
        }
        if ((range.hi & ~range.maskHi) != 0 || (range.lo & ~range.maskLo) != 0) {
            CidrRange network = new CidrRange(range.ipv4, range.hi & range.maskHi, range.lo & range.maskLo,
                    range.prefixLength);
            throw new IllegalArgumentException("invalid CIDR range '" + text
                    + "': address bits beyond the prefix are set (did you mean " + network + "?)");
        }
        return range;
    }

    /**
     * Tells whether the range contains an address.
     *
     * @param address the address; an IPv4-mapped IPv6 address counts as IPv4
     * @return whether it is in the range
     */
    public boolean contains(InetAddress address) {
        byte[] bytes = address.getAddress();
        if (bytes.length == 4) {
            return ipv4 && containsIpv4(ipv4Bits(bytes));
        }
        long h = longAt(bytes, 0);
        long l = longAt(bytes, 8);
        if (isMapped(h, l)) {
            return ipv4 && containsIpv4(l & 0xFFFF_FFFFL);
        }
        return !ipv4 && containsIpv6(h, l);
    }

    /**
     * Tells whether this is an IPv4 range.
     *
     * @return true for IPv4, false for IPv6
     */
    public boolean isIpv4() {
        return ipv4;
    }

    /**
     * Returns the prefix length.
     *
     * @return 0..32 for IPv4, 0..128 for IPv6
     */
    public int prefixLength() {
        return prefixLength;
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof CidrRange)) {
            return false;
        }
        CidrRange other = (CidrRange) o;
        return ipv4 == other.ipv4 && prefixLength == other.prefixLength && hi == other.hi && lo == other.lo;
    }

    @Override
    public int hashCode() {
        return Objects.hash(ipv4, prefixLength, hi, lo);
    }

    /**
     * Returns the range in canonical CIDR notation, which {@link #parse} reads back as an equal
     * range.
     *
     * @return for example {@code 10.0.0.0/8} or {@code 2001:db8::/32}
     */
    @Override
    public String toString() {
        if (ipv4) {
            return InetAddresses.toAddrString(InetAddresses.fromInteger((int) lo)) + "/" + prefixLength;
        }
        byte[] bytes = new byte[16];
        for (int i = 0; i < 8; i++) {
            bytes[i] = (byte) (hi >>> (56 - 8 * i));
            bytes[8 + i] = (byte) (lo >>> (56 - 8 * i));
        }
        try {
            // Inet6Address.getByAddress keeps a mapped address IPv6, unlike InetAddress.getByAddress.
            Inet6Address network = Inet6Address.getByAddress(null, bytes, (NetworkInterface) null);
            return InetAddresses.toAddrString(network) + "/" + prefixLength;
        } catch (UnknownHostException e) {
            throw new AssertionError("16 bytes are always an IPv6 address", e);
        }
    }

    boolean containsIpv4(long address) {
        return (address & maskLo) == lo;
    }

    boolean containsIpv6(long addressHi, long addressLo) {
        return (addressHi & maskHi) == hi && (addressLo & maskLo) == lo;
    }

    static boolean isMapped(long h, long l) {
        return h == 0 && (l >>> 32) == 0xFFFFL;
    }

    static long ipv4Bits(byte[] b) {
        return ((b[0] & 0xFFL) << 24) | ((b[1] & 0xFFL) << 16) | ((b[2] & 0xFFL) << 8) | (b[3] & 0xFFL);
    }

    static long longAt(byte[] b, int offset) {
        long v = 0;
        for (int i = 0; i < 8; i++) {
            v = (v << 8) | (b[offset + i] & 0xFFL);
        }
        return v;
    }

    private static int parsePrefix(String prefixText, String text) {
        boolean digits = !prefixText.isEmpty() && prefixText.length() <= 3;
        for (int i = 0; digits && i < prefixText.length(); i++) {
            char c = prefixText.charAt(i);
            digits = c >= '0' && c <= '9';
        }
        checkArgument(digits, "invalid CIDR range '%s': prefix length '%s' is not a number", text, prefixText);
        return Integer.parseInt(prefixText);
    }
}
