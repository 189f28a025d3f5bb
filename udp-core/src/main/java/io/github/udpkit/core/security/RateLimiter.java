package io.github.udpkit.core.security;

import static com.google.common.base.Preconditions.checkArgument;

import java.net.InetAddress;
import java.security.SecureRandom;
import java.util.Arrays;

/**
 * Limits how many datagrams each source may have accepted per second, with token buckets in a
 * table of bounded size, so that one noisy or hostile source cannot use up the endpoint's work
 * (decryption, handshakes, chat joins) for everyone.
 *
 * <p>Each source has a bucket of {@code burst} tokens refilled at {@code ratePerSecond}; a datagram
 * takes one token or is refused. Sources are addresses, grouped by prefix: by default an IPv4
 * address is its own source and an IPv6 address counts with its whole /64, since one IPv6 host
 * usually owns a /64 and could otherwise vary its address at will. IPv4-mapped IPv6 addresses
 * count as IPv4.
 *
 * <p>The table holds at most {@code maxSources} buckets; a new source beyond that evicts the one
 * seen least recently. A flood of spoofed addresses therefore cannot grow memory, only cost the
 * evicted sources their history, so an evicted source returns with a full bucket. Each bucket is
 * one {@code long} (the generic cell rate algorithm's theoretical arrival time), all in
 * preallocated arrays: {@link #tryAcquire} allocates nothing beyond the address's byte copy. The
 * bucket hash is keyed with a random seed, so sources cannot be chosen to collide.
 *
 * <p>Time is passed in ({@link System#nanoTime()} or a simulated clock), never read. Not
 * thread-safe: one I/O thread owns it.
 *
 * @since 0.1.0
 */
public final class RateLimiter {
    private static final int NONE = -1;
    private static final long NANOS_PER_SECOND = 1_000_000_000L;

    private final double ratePerSecond;
    private final int burst;
    private final long intervalNanos;
    private final long toleranceNanos;
    private final int capacity;
    private final int ipv4PrefixLength;
    private final int ipv6PrefixLength;
    private final long ipv4Mask;
    private final long ipv6MaskHi;
    private final long ipv6MaskLo;
    private final long seed;

    private final long[] keyHi;
    private final long[] keyLo;
    private final long[] arrival;
    private final int[] chain;
    private final int[] older;
    private final int[] newer;
    private final int[] buckets;
    private int size;
    private int oldest = NONE;
    private int newest = NONE;

    private RateLimiter(Builder b) {
        this.ratePerSecond = b.ratePerSecond;
        this.burst = b.burst;
        this.intervalNanos = Math.max(1L, Math.round(NANOS_PER_SECOND / b.ratePerSecond));
        this.toleranceNanos = intervalNanos * (b.burst - 1L);
        this.capacity = b.maxSources;
        this.ipv4PrefixLength = b.ipv4PrefixLength;
        this.ipv6PrefixLength = b.ipv6PrefixLength;
        this.ipv4Mask = b.ipv4PrefixLength == 0 ? 0 : (0xFFFF_FFFFL << (32 - b.ipv4PrefixLength)) & 0xFFFF_FFFFL;
        int p6 = b.ipv6PrefixLength;
        this.ipv6MaskHi = p6 == 0 ? 0 : p6 >= 64 ? -1L : -1L << (64 - p6);
        this.ipv6MaskLo = p6 <= 64 ? 0 : -1L << (128 - p6);
        this.seed = b.seed;
        this.keyHi = new long[capacity];
        this.keyLo = new long[capacity];
        this.arrival = new long[capacity];
        this.chain = new int[capacity];
        this.older = new int[capacity];
        this.newer = new int[capacity];
        this.buckets = new int[Integer.highestOneBit(Math.max(1, capacity - 1)) << 1];
        Arrays.fill(buckets, NONE);
    }

    /**
     * Starts a rate limiter.
     *
     * @return a builder with defaults: 100 datagrams per second, burst 200, 10,000 sources, IPv4
     *     per address, IPv6 per /64
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Takes one token from the source's bucket, if it has one.
     *
     * @param source the datagram's source address
     * @param nowNanos the current time on a monotonic nanosecond clock (differences matter, not
     *     the origin; wrap-around is handled)
     * @return true if the datagram may be processed, false if the source is over its rate
     */
    public boolean tryAcquire(InetAddress source, long nowNanos) {
        byte[] bytes = source.getAddress();
        long hi;
        long lo;
        if (bytes.length == 4) {
            hi = 0;
            lo = 0xFFFF_0000_0000L | (CidrRange.ipv4Bits(bytes) & ipv4Mask);
        } else {
            hi = CidrRange.longAt(bytes, 0);
            lo = CidrRange.longAt(bytes, 8);
            if (CidrRange.isMapped(hi, lo)) {
                lo = 0xFFFF_0000_0000L | (lo & ipv4Mask);
            } else {
                hi &= ipv6MaskHi;
                lo &= ipv6MaskLo;
            }
        }
        int bucket = bucketOf(hi, lo);
        int entry = find(bucket, hi, lo);
        if (entry == NONE) {
            entry = insert(bucket, hi, lo, nowNanos);
        } else {
            touch(entry);
        }
        // GCRA: the bucket is full when the theoretical arrival time is now or past.
        long tat = arrival[entry];
        if (tat - nowNanos < 0) {
            tat = nowNanos;
        }
        if (tat - nowNanos > toleranceNanos) {
            return false;
        }
        arrival[entry] = tat + intervalNanos;
        return true;
    }

    /**
     * Returns how many sources the table tracks now.
     *
     * @return at most {@link #maxSources()}
     */
    public int trackedSources() {
        return size;
    }

    /**
     * Returns the most sources the table tracks.
     *
     * @return the bound
     */
    public int maxSources() {
        return capacity;
    }

    /**
     * Returns the sustained rate per source.
     *
     * @return datagrams per second
     */
    public double ratePerSecond() {
        return ratePerSecond;
    }

    /**
     * Returns the burst per source.
     *
     * @return datagrams a fresh source may send at once
     */
    public int burst() {
        return burst;
    }

    /**
     * Describes the limiter.
     *
     * @return its settings
     */
    @Override
    public String toString() {
        return "RateLimiter[" + ratePerSecond + "/s, burst " + burst + ", " + size + "/" + capacity
                + " sources, IPv4 /" + ipv4PrefixLength + ", IPv6 /" + ipv6PrefixLength + "]";
    }

    private int bucketOf(long hi, long lo) {
        long h = (hi * 0x9E37_79B9_7F4A_7C15L) ^ lo ^ seed;
        // MurmurHash3's finaliser: every key bit affects every hash bit.
        h ^= h >>> 33;
        h *= 0xFF51_AFD7_ED55_8CCDL;
        h ^= h >>> 33;
        h *= 0xC4CE_B9FE_1A85_EC53L;
        h ^= h >>> 33;
        return (int) h & (buckets.length - 1);
    }

    private int find(int bucket, long hi, long lo) {
        for (int e = buckets[bucket]; e != NONE; e = chain[e]) {
            if (keyHi[e] == hi && keyLo[e] == lo) {
                return e;
            }
        }
        return NONE;
    }

    private int insert(int bucket, long hi, long lo, long nowNanos) {
        int e;
        if (size < capacity) {
            e = size++;
        } else {
            e = oldest;
            unlinkFromChain(e);
            unlinkFromAge(e);
        }
        keyHi[e] = hi;
        keyLo[e] = lo;
        arrival[e] = nowNanos;
        chain[e] = buckets[bucket];
        buckets[bucket] = e;
        linkNewest(e);
        return e;
    }

    private void touch(int e) {
        if (e != newest) {
            unlinkFromAge(e);
            linkNewest(e);
        }
    }

    private void linkNewest(int e) {
        older[e] = newest;
        newer[e] = NONE;
        if (newest != NONE) {
            newer[newest] = e;
        }
        newest = e;
        if (oldest == NONE) {
            oldest = e;
        }
    }

    private void unlinkFromAge(int e) {
        int o = older[e];
        int n = newer[e];
        if (o != NONE) {
            newer[o] = n;
        } else {
            oldest = n;
        }
        if (n != NONE) {
            older[n] = o;
        } else {
            newest = o;
        }
    }

    private void unlinkFromChain(int e) {
        int bucket = bucketOf(keyHi[e], keyLo[e]);
        if (buckets[bucket] == e) {
            buckets[bucket] = chain[e];
            return;
        }
        for (int p = buckets[bucket]; p != NONE; p = chain[p]) {
            if (chain[p] == e) {
                chain[p] = chain[e];
                return;
            }
        }
        throw new AssertionError("entry " + e + " missing from its hash chain");
    }

    /**
     * Settings of a {@link RateLimiter}, validated as they are set.
     *
     * @since 0.1.0
     */
    public static final class Builder {
        private double ratePerSecond = 100;
        private int burst = 200;
        private int maxSources = 10_000;
        private int ipv4PrefixLength = 32;
        private int ipv6PrefixLength = 64;
        private long seed = new SecureRandom().nextLong();

        private Builder() {}

        /**
         * Sets the sustained rate each source may send at.
         *
         * @param ratePerSecond datagrams per second, 0.001 to 1e9
         * @return this builder
         */
        public Builder ratePerSecond(double ratePerSecond) {
            checkArgument(ratePerSecond >= 0.001 && ratePerSecond <= 1e9,
                    "ratePerSecond must be in 0.001..1e9: %s", ratePerSecond);
            this.ratePerSecond = ratePerSecond;
            return this;
        }

        /**
         * Sets how many datagrams a source may send at once after being quiet.
         *
         * @param burst 1 to 1,000,000
         * @return this builder
         */
        public Builder burst(int burst) {
            checkArgument(burst >= 1 && burst <= 1_000_000, "burst must be in 1..1000000: %s", burst);
            this.burst = burst;
            return this;
        }

        /**
         * Sets the most sources tracked at once, which bounds the memory used (about 40 bytes a
         * source).
         *
         * @param maxSources 1 to 16,777,216
         * @return this builder
         */
        public Builder maxSources(int maxSources) {
            checkArgument(maxSources >= 1 && maxSources <= 1 << 24, "maxSources must be in 1..16777216: %s",
                    maxSources);
            this.maxSources = maxSources;
            return this;
        }

        /**
         * Sets how many leading bits of an IPv4 address make one source.
         *
         * @param prefixLength 0 to 32; 32, the default, is per address
         * @return this builder
         */
        public Builder ipv4PrefixLength(int prefixLength) {
            checkArgument(prefixLength >= 0 && prefixLength <= 32, "ipv4PrefixLength must be in 0..32: %s",
                    prefixLength);
            this.ipv4PrefixLength = prefixLength;
            return this;
        }

        /**
         * Sets how many leading bits of an IPv6 address make one source.
         *
         * @param prefixLength 0 to 128; 64, the default, is per subnet
         * @return this builder
         */
        public Builder ipv6PrefixLength(int prefixLength) {
            checkArgument(prefixLength >= 0 && prefixLength <= 128, "ipv6PrefixLength must be in 0..128: %s",
                    prefixLength);
            this.ipv6PrefixLength = prefixLength;
            return this;
        }

        /**
         * Builds the limiter, allocating its whole table now.
         *
         * @return the limiter
         */
        public RateLimiter build() {
            return new RateLimiter(this);
        }
    }
}
