package io.github.udpkit.core.internal.linux;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import java.lang.foreign.MemorySegment;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;

/**
 * The source addresses of received datagrams, decoded once per peer: a bounded direct-mapped
 * cache from the raw sockaddr to its {@code InetSocketAddress}, so that a steady stream from a
 * few peers allocates no address per datagram. A new peer that lands in an occupied slot replaces
 * the old one. One thread only.
 */
public final class SourceAddresses {

    private static final int SLOTS = 256;

    private final long[] high = new long[SLOTS];
    private final long[] low = new long[SLOTS];
    private final long[] tail = new long[SLOTS];
    private final InetSocketAddress[] addresses = new InetSocketAddress[SLOTS];

    /**
     * The address a sockaddr_in or sockaddr_in6 holds.
     *
     * @param names where the kernel wrote the structure
     * @param offset the structure's offset in {@code names}
     * @return the address, from the cache when seen before
     * @throws UnknownHostException never for the families the kernel writes here
     */
    public InetSocketAddress of(MemorySegment names, long offset) throws UnknownHostException {
        int family = names.get(JAVA_SHORT, offset);
        long h;
        long l;
        long t;
        if (family == LinuxUdp.AF_INET) {
            h = 0;
            l = Integer.toUnsignedLong(names.get(JAVA_INT, offset + 4));
            t = Integer.toUnsignedLong(names.get(JAVA_INT, offset)); // family and port
        } else {
            h = names.get(JAVA_LONG, offset + 8);
            l = names.get(JAVA_LONG, offset + 16);
            t = Integer.toUnsignedLong(names.get(JAVA_INT, offset)) | (long) names.get(JAVA_INT, offset + 24) << 32;
        }
        long mix = (h * 0x9E3779B97F4A7C15L) ^ (l * 0xC2B2AE3D27D4EB4FL) ^ (t * 0x165667B19E3779F9L);
        int slot = (int) (mix >>> 56) & (SLOTS - 1);
        InetSocketAddress cached = addresses[slot];
        if (cached != null && high[slot] == h && low[slot] == l && tail[slot] == t) {
            return cached;
        }
        InetSocketAddress address = LinuxUdp.decode(names.asSlice(offset, LinuxUdp.SOCKADDR_SIZE)); // a miss only
        high[slot] = h;
        low[slot] = l;
        tail[slot] = t;
        addresses[slot] = address;
        return address;
    }
}
