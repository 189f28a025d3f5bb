package io.github.udpkit.core.security;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;

/**
 * Decides, for every incoming datagram and before any parsing, whether its source address may
 * talk to the endpoint at all, from CIDR allow and deny lists.
 *
 * <p>The rule: an address matching any deny range is refused (deny wins); otherwise, if the allow
 * list is empty every address passes, and if it is not, only addresses matching an allow range
 * pass. IPv4-mapped IPv6 addresses are judged as their IPv4 address (see {@link CidrRange}).
 *
 * <p>The check scans the ranges linearly with two long comparisons each, and allocates at most
 * the address's byte copy (which the JIT usually removes); an empty filter decides at once.
 * Lists are meant for tens of ranges, not for full routing tables. Immutable and thread-safe.
 *
 * @since 0.1.0
 */
public final class AddressFilter {
    private static final AddressFilter ALLOW_ALL = new AddressFilter(List.of(), List.of());

    private final List<CidrRange> allow;
    private final List<CidrRange> deny;
    private final CidrRange[] allow4;
    private final CidrRange[] allow6;
    private final CidrRange[] deny4;
    private final CidrRange[] deny6;
    private final boolean allowAll;

    private AddressFilter(List<CidrRange> allow, List<CidrRange> deny) {
        this.allow = List.copyOf(allow);
        this.deny = List.copyOf(deny);
        this.allow4 = ofFamily(allow, true);
        this.allow6 = ofFamily(allow, false);
        this.deny4 = ofFamily(deny, true);
        this.deny6 = ofFamily(deny, false);
        this.allowAll = allow.isEmpty() && deny.isEmpty();
    }

    /**
     * Returns the filter that lets every address through.
     *
     * @return the filter with empty lists
     */
    public static AddressFilter allowAll() {
        return ALLOW_ALL;
    }

    /**
     * Starts a filter.
     *
     * @return a builder with empty lists
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Decides whether datagrams from an address are accepted.
     *
     * @param address the source address
     * @return true if it passes the deny and allow lists
     */
    public boolean isAllowed(InetAddress address) {
        if (allowAll) {
            return true;
        }
        byte[] bytes = address.getAddress();
        long h;
        long l;
        boolean v4;
        if (bytes.length == 4) {
            h = 0;
            l = CidrRange.ipv4Bits(bytes);
            v4 = true;
        } else {
            h = CidrRange.longAt(bytes, 0);
            l = CidrRange.longAt(bytes, 8);
            v4 = CidrRange.isMapped(h, l);
            if (v4) {
                h = 0;
                l &= 0xFFFF_FFFFL;
            }
        }
        if (v4) {
            return !matches4(deny4, l) && (allow.isEmpty() || matches4(allow4, l));
        }
        return !matches6(deny6, h, l) && (allow.isEmpty() || matches6(allow6, h, l));
    }

    /**
     * Decides whether datagrams from a socket address are accepted; an unresolved address is
     * refused, as there is nothing to judge.
     *
     * @param source the source socket address
     * @return true if its address passes the deny and allow lists
     */
    public boolean isAllowed(InetSocketAddress source) {
        InetAddress address = source.getAddress();
        return address != null && isAllowed(address);
    }

    /**
     * Returns the allow list.
     *
     * @return the ranges, in the order added
     */
    public List<CidrRange> allowList() {
        return allow;
    }

    /**
     * Returns the deny list.
     *
     * @return the ranges, in the order added
     */
    public List<CidrRange> denyList() {
        return deny;
    }

    /**
     * Describes the filter.
     *
     * @return both lists
     */
    @Override
    public String toString() {
        return "AddressFilter[allow " + (allow.isEmpty() ? "all" : allow) + ", deny " + deny + "]";
    }

    private static boolean matches4(CidrRange[] ranges, long address) {
        for (CidrRange r : ranges) {
            if (r.containsIpv4(address)) {
                return true;
            }
        }
        return false;
    }

    private static boolean matches6(CidrRange[] ranges, long h, long l) {
        for (CidrRange r : ranges) {
            if (r.containsIpv6(h, l)) {
                return true;
            }
        }
        return false;
    }

    private static CidrRange[] ofFamily(List<CidrRange> ranges, boolean ipv4) {
        return ranges.stream().filter(r -> r.isIpv4() == ipv4).toArray(CidrRange[]::new);
    }

    /**
     * Collects allow and deny ranges for an {@link AddressFilter}.
     *
     * @since 0.1.0
     */
    public static final class Builder {
        private final List<CidrRange> allow = new ArrayList<>();
        private final List<CidrRange> deny = new ArrayList<>();

        private Builder() {}

        /**
         * Adds a range to the allow list.
         *
         * @param cidr the range, as {@link CidrRange#parse} reads it
         * @return this builder
         * @throws IllegalArgumentException naming the text, if it is not a valid range
         */
        public Builder allow(String cidr) {
            allow.add(CidrRange.parse(cidr));
            return this;
        }

        /**
         * Adds a range to the allow list.
         *
         * @param range the range
         * @return this builder
         */
        public Builder allow(CidrRange range) {
            allow.add(Objects.requireNonNull(range, "range"));
            return this;
        }

        /**
         * Adds ranges to the allow list.
         *
         * @param cidrs the ranges' texts
         * @return this builder
         * @throws IllegalArgumentException naming the first invalid text
         */
        public Builder allow(Collection<String> cidrs) {
            for (String cidr : cidrs) {
                allow(cidr);
            }
            return this;
        }

        /**
         * Adds a range to the deny list.
         *
         * @param cidr the range, as {@link CidrRange#parse} reads it
         * @return this builder
         * @throws IllegalArgumentException naming the text, if it is not a valid range
         */
        public Builder deny(String cidr) {
            deny.add(CidrRange.parse(cidr));
            return this;
        }

        /**
         * Adds a range to the deny list.
         *
         * @param range the range
         * @return this builder
         */
        public Builder deny(CidrRange range) {
            deny.add(Objects.requireNonNull(range, "range"));
            return this;
        }

        /**
         * Adds ranges to the deny list.
         *
         * @param cidrs the ranges' texts
         * @return this builder
         * @throws IllegalArgumentException naming the first invalid text
         */
        public Builder deny(Collection<String> cidrs) {
            for (String cidr : cidrs) {
                deny(cidr);
            }
            return this;
        }

        /**
         * Builds the filter.
         *
         * @return the immutable filter
         */
        public AddressFilter build() {
            return allow.isEmpty() && deny.isEmpty() ? ALLOW_ALL : new AddressFilter(allow, deny);
        }
    }
}
