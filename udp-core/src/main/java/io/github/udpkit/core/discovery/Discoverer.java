package io.github.udpkit.core.discovery;

import static com.google.common.base.Preconditions.checkArgument;

import io.github.udpkit.api.Codecs;
import io.github.udpkit.api.Endpoint;
import io.github.udpkit.api.Message;
import io.github.udpkit.api.ReceiveTimeoutException;
import io.github.udpkit.core.EndpointBuilder;
import io.github.udpkit.core.Udp;
import io.github.udpkit.core.Addresses;
import java.net.Inet6Address;
import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Finds udpkit servers on the local network: sends one probe to each target (the discovery group
 * and the broadcast address by default) and collects the replies that come within a timeout.
 *
 * <pre>{@code
 * List<Discoverer.Found> servers = Discoverer.builder().timeout(Duration.ofSeconds(2)).discover();
 * }</pre>
 *
 * @since 0.1.0
 */
public final class Discoverer {

    /** The discovery port: probes go to it, announcers listen on it. */
    public static final int PORT = 42099;
    /** The IPv4 discovery group, in the administratively scoped range (RFC 2365): it stays on the site. */
    public static final String IPV4_GROUP = "239.255.42.99";
    /** The IPv6 discovery group, link-local scope: it stays on the link. */
    public static final String IPV6_GROUP = "ff02::4299";
    /** The broadcast address probes go to by default besides the group. */
    public static final String BROADCAST = "255.255.255.255";

    private static final SecureRandom NONCES = new SecureRandom();

    private final List<InetSocketAddress> targets;
    private final Duration timeout;
    private final int probeSize;
    private final String networkInterface;
    private final int ttl;

    private Discoverer(Builder b) {
        this.targets = b.targets.isEmpty()
                ? List.of(Addresses.resolve(IPV4_GROUP, PORT), Addresses.resolve(BROADCAST, PORT)) : List.copyOf(b.targets);
        this.timeout = b.timeout;
        this.probeSize = b.probeSize;
        this.networkInterface = b.networkInterface;
        this.ttl = b.ttl;
    }

    /**
     * Starts building a discovery.
     *
     * @return a builder with the defaults: the IPv4 group and the broadcast address on
     *     {@link #PORT}, 2 seconds, probes of {@link DiscoveryWire#DEFAULT_PROBE_SIZE} bytes, TTL 1
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * A server that answered.
     *
     * @param address where it serves: the reply's source address and the announced port
     * @param announcement what it said
     * @param roomsTruncated whether it left rooms out to fit the probe
     */
    public record Found(InetSocketAddress address, Announcement announcement, boolean roomsTruncated) {
    }

    /**
     * Probes and waits the whole timeout for replies.
     *
     * @return the servers that answered, in the order they answered; a server that answered
     *     several probes (group and broadcast) or from several addresses once, at the first
     * @throws io.github.udpkit.api.UdpIoException if a socket cannot be opened
     */
    public List<Found> discover() {
        long nonce = NONCES.nextLong();
        byte[] probe = DiscoveryWire.probe(nonce, probeSize);
        // A server that hears the probe on several addresses (the group, the broadcast, two
        // interfaces) answers each: it is one server, known by what it says, at the first address heard.
        Map<List<Object>, Found> found = new LinkedHashMap<>();
        Map<Boolean, List<InetSocketAddress>> byFamily = new LinkedHashMap<>();
        for (InetSocketAddress t : targets) {
            byFamily.computeIfAbsent(t.getAddress() instanceof Inet6Address, k -> new ArrayList<>()).add(t);
        }
        List<Endpoint<byte[]>> endpoints = new ArrayList<>();
        try {
            for (Map.Entry<Boolean, List<InetSocketAddress>> family : byFamily.entrySet()) {
                EndpointBuilder<byte[]> b = Udp.endpoint(Codecs.bytes()).bind(family.getKey() ? "::" : "0.0.0.0", 0)
                        .broadcast(true).multicastTtl(ttl).receiveQueueCapacity(1024);
                if (networkInterface != null) {
                    b.multicastInterface(networkInterface);
                }
                Endpoint<byte[]> endpoint = b.open();
                endpoints.add(endpoint);
                for (InetSocketAddress target : family.getValue()) {
                    endpoint.send(probe).to(target).join();
                }
            }
            long deadline = System.nanoTime() + timeout.toNanos();
            for (Endpoint<byte[]> endpoint : endpoints) {
                while (true) {
                    long left = deadline - System.nanoTime();
                    if (left <= 0) {
                        break;
                    }
                    Message<byte[]> m;
                    try {
                        m = endpoint.receive(Duration.ofNanos(left));
                    } catch (ReceiveTimeoutException e) {
                        break;
                    }
                    Optional<DiscoveryWire.Reply> reply = DiscoveryWire.decodeReply(m.payload());
                    if (reply.isPresent() && reply.get().nonce() == nonce) {
                        InetSocketAddress at = new InetSocketAddress(m.sender().getAddress(),
                                reply.get().announcement().port());
                        Announcement a = reply.get().announcement();
                        found.putIfAbsent(List.of(a.name(), a.service(), a.port()),
                                new Found(at, a, reply.get().roomsTruncated()));
                    }
                }
            }
        } finally {
            endpoints.forEach(Endpoint::close);
        }
        return List.copyOf(found.values());
    }

    /** Builds a {@link Discoverer}; every setter checks its argument at once. */
    public static final class Builder {
        private final List<InetSocketAddress> targets = new ArrayList<>();
        private Duration timeout = Duration.ofSeconds(2);
        private int probeSize = DiscoveryWire.DEFAULT_PROBE_SIZE;
        private String networkInterface;
        private int ttl = 1;

        private Builder() {
        }

        /**
         * Adds a target to probe (the defaults are replaced by the first one given): a group, a
         * broadcast address, or a single host.
         *
         * @param host the address
         * @param port 1 to 65535
         * @return this
         */
        public Builder target(String host, int port) {
            targets.add(Addresses.resolve(host, Addresses.checkPeerPort(port)));
            return this;
        }

        /**
         * Sets how long to wait for replies.
         *
         * @param timeout 1 ms to 1 minute
         * @return this
         */
        public Builder timeout(Duration timeout) {
            Objects.requireNonNull(timeout, "timeout");
            checkArgument(timeout.toMillis() >= 1 && timeout.compareTo(Duration.ofMinutes(1)) <= 0,
                    "discovery timeout must be 1 ms to 1 minute: %s", timeout);
            this.timeout = timeout;
            return this;
        }

        /**
         * Sets the probe's size: the most a reply may take.
         *
         * @param bytes {@link DiscoveryWire#PROBE_HEADER} to {@link DiscoveryWire#MAX_PROBE_SIZE}
         * @return this
         */
        public Builder probeSize(int bytes) {
            checkArgument(bytes >= DiscoveryWire.PROBE_HEADER && bytes <= DiscoveryWire.MAX_PROBE_SIZE,
                    "probe size must be in %s..%s: %s", DiscoveryWire.PROBE_HEADER, DiscoveryWire.MAX_PROBE_SIZE, bytes);
            this.probeSize = bytes;
            return this;
        }

        /**
         * Chooses the interface multicast probes leave by.
         *
         * @param name e.g. {@code "eth0"}
         * @return this
         */
        public Builder multicastInterface(String name) {
            this.networkInterface = Objects.requireNonNull(name, "name");
            return this;
        }

        /**
         * Sets how many routers a probe to a group may cross.
         *
         * @param hops 0 to 255; 1 (the local network) unless set
         * @return this
         */
        public Builder ttl(int hops) {
            checkArgument(hops >= 0 && hops <= 255, "ttl must be in 0..255: %s", hops);
            this.ttl = hops;
            return this;
        }

        /**
         * Probes, waits and returns what answered; see {@link Discoverer#discover()}.
         *
         * @return the servers found
         */
        public List<Found> discover() {
            return new Discoverer(this).discover();
        }
    }
}
