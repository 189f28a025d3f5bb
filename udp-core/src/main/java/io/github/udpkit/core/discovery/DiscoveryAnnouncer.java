package io.github.udpkit.core.discovery;

import static com.google.common.base.Preconditions.checkArgument;

import io.github.udpkit.api.Codecs;
import io.github.udpkit.api.Endpoint;
import io.github.udpkit.api.EndpointListener;
import io.github.udpkit.core.EndpointBuilder;
import io.github.udpkit.core.Udp;
import io.github.udpkit.core.Addresses;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Answers discovery probes for a server that opts in: a socket on the discovery port (per address
 * family), joined to the discovery groups, that also receives what is broadcast to that port, and
 * a {@link DiscoveryResponder} that decides what to answer. Several announcers on one host share
 * the port. Open one beside any endpoint:
 *
 * <pre>{@code
 * DiscoveryAnnouncer announcer = DiscoveryAnnouncer.builder(
 *         () -> new Announcement("printer-room", endpoint.localAddress().getPort(), "echo", List.of())).open();
 * }</pre>
 *
 * @since 0.1.0
 */
public final class DiscoveryAnnouncer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(DiscoveryAnnouncer.class);

    private final DiscoveryResponder responder;
    private final List<Endpoint<byte[]>> endpoints;

    private DiscoveryAnnouncer(DiscoveryResponder responder, List<Endpoint<byte[]>> endpoints) {
        this.responder = responder;
        this.endpoints = endpoints;
    }

    /**
     * Starts building an announcer.
     *
     * @param announcement what to say, asked for at each answer
     * @return a builder with the defaults: port {@link Discoverer#PORT}, group
     *     {@link Discoverer#IPV4_GROUP}, 2 answers a second per source, 50 in all
     */
    public static Builder builder(Supplier<Announcement> announcement) {
        return new Builder(announcement);
    }

    /**
     * Where the announcer listens, one address per socket.
     *
     * @return the local addresses
     */
    public List<InetSocketAddress> localAddresses() {
        List<InetSocketAddress> all = new ArrayList<>();
        endpoints.forEach(e -> all.add(e.localAddress()));
        return all;
    }

    /**
     * The responder's counters: probes, answers, rate-limited, bytes in and out.
     *
     * @return a snapshot
     */
    public DiscoveryResponder.Stats stats() {
        synchronized (responder) {
            return responder.stats();
        }
    }

    @Override
    public void close() {
        endpoints.forEach(Endpoint::close);
    }

    private void onDatagram(Endpoint<byte[]> endpoint, InetSocketAddress from, byte[] datagram) {
        Optional<byte[]> reply;
        synchronized (responder) { // one responder for the sockets of both families
            reply = responder.answer(from, datagram, System.nanoTime());
        }
        reply.ifPresent(r -> endpoint.send(r).to(from).exceptionally(e -> {
            LOG.debug("discovery reply to {} not sent: {}", from, e.toString());
            return null;
        }));
    }

    /** Builds a {@link DiscoveryAnnouncer}; every setter checks its argument at once. */
    public static final class Builder {
        private final Supplier<Announcement> announcement;
        private int port = Discoverer.PORT;
        private final List<InetAddress> groups = new ArrayList<>();
        private String networkInterface;
        private double perSourcePerSecond = 2;
        private double globalPerSecond = 50;

        private Builder(Supplier<Announcement> announcement) {
            this.announcement = Objects.requireNonNull(announcement, "announcement");
        }

        /**
         * Sets the discovery port.
         *
         * @param port 1 to 65535
         * @return this
         */
        public Builder port(int port) {
            this.port = Addresses.checkPeerPort(port);
            return this;
        }

        /**
         * Adds a group to answer on (the default, {@link Discoverer#IPV4_GROUP}, is replaced by the
         * first one given). An IPv6 group, such as {@link Discoverer#IPV6_GROUP}, opens an IPv6 socket.
         *
         * @param group a multicast address
         * @return this
         */
        public Builder group(String group) {
            InetAddress a = Addresses.resolve(group, 0).getAddress();
            checkArgument(a.isMulticastAddress(), "not a multicast address: %s", group);
            groups.add(a);
            return this;
        }

        /**
         * Chooses the interface the groups are joined on.
         *
         * @param name e.g. {@code "eth0"}
         * @return this
         */
        public Builder multicastInterface(String name) {
            this.networkInterface = Objects.requireNonNull(name, "name");
            return this;
        }

        /**
         * Sets the rate limits of the answers.
         *
         * @param perSource answers a second to one source, positive
         * @param total answers a second in all, positive
         * @return this
         */
        public Builder rateLimit(double perSource, double total) {
            checkArgument(perSource > 0 && perSource <= total, "rates must be positive, per source <= total: %s, %s",
                    perSource, total);
            this.perSourcePerSecond = perSource;
            this.globalPerSecond = total;
            return this;
        }

        /**
         * Opens the sockets and starts answering.
         *
         * @return the announcer
         * @throws io.github.udpkit.api.UdpIoException if a socket cannot be opened or a group joined
         */
        public DiscoveryAnnouncer open() {
            DiscoveryResponder responder = new DiscoveryResponder(announcement, perSourcePerSecond, globalPerSecond);
            Map<Boolean, List<InetAddress>> byFamily = new LinkedHashMap<>();
            List<InetAddress> all = groups.isEmpty()
                    ? List.of(Addresses.resolve(Discoverer.IPV4_GROUP, 0).getAddress()) : groups;
            for (InetAddress g : all) {
                byFamily.computeIfAbsent(g instanceof Inet6Address, k -> new ArrayList<>()).add(g);
            }
            List<Endpoint<byte[]>> endpoints = new ArrayList<>();
            DiscoveryAnnouncer announcer = new DiscoveryAnnouncer(responder, endpoints);
            try {
                for (Map.Entry<Boolean, List<InetAddress>> family : byFamily.entrySet()) {
                    EndpointBuilder<byte[]> b = Udp.endpoint(Codecs.bytes())
                            .bind(family.getKey() ? "::" : "0.0.0.0", port)
                            .receiveQueueCapacity(64)
                            .listener(new EndpointListener() {
                                @Override
                                public void onError(Throwable error) {
                                    LOG.debug("discovery announcer: {}", error.toString());
                                }
                            });
                    family.getValue().forEach(b::joinGroup);
                    if (networkInterface != null) {
                        b.multicastInterface(networkInterface);
                    }
                    Endpoint<byte[]> endpoint = b.open();
                    endpoints.add(endpoint);
                    endpoint.onMessage(m -> announcer.onDatagram(endpoint, m.sender(), m.payload()));
                }
            } catch (RuntimeException e) {
                announcer.close();
                throw e;
            }
            LOG.debug("discovery announcer on {}", announcer.localAddresses());
            return announcer;
        }
    }
}
