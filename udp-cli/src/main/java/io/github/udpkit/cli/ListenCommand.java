package io.github.udpkit.cli;

import io.github.udpkit.api.Codec;
import io.github.udpkit.api.DeliveryMode;
import io.github.udpkit.api.Endpoint;
import io.github.udpkit.api.EndpointClosedException;
import io.github.udpkit.api.Message;
import io.github.udpkit.api.ReceiveTimeoutException;
import io.github.udpkit.core.EndpointBuilder;
import io.github.udpkit.core.Udp;
import java.io.PrintWriter;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code udpkit listen}: prints each UDP message received, with its time and sender, or just its
 * payload; the receiving side of the seeds' examples, and of {@code send} in any mode.
 */
@Command(name = "listen", sortOptions = false,
        description = {
            "Prints each UDP message received as 'HH:MM:SS.mmm SENDER TEXT' (control characters shown as "
                    + "\\n, \\t, \\u001b), or just the text with --payload-only, one per line.",
            "With --known-keys, only signed messages are printed, each after its signer's name and fingerprint: "
                    + "'HH:MM:SS.mmm SENDER [NAME FINGERPRINT] TEXT' ('new' after the fingerprint the first time).",
            "Datagrams that are not UTF-8 are not printed, only counted (see --stats). Runs until "
                    + "interrupted or --count messages. 'listening on udp ADDRESS' goes to standard error.",
            "In a reliable mode, after --count messages it goes on acknowledging (printing nothing more) until "
                    + "its senders close, or for 2s of silence, so their last messages are confirmed.",
        })
final class ListenCommand implements Callable<Integer> {

    private static final Duration POLL = Duration.ofSeconds(1);
    /** How long a reliable listener that has its --count waits for its senders to fall silent. */
    static final Duration LINGER_QUIET = Duration.ofSeconds(2);
    /** The longest it waits for them in all, however chatty. */
    static final Duration LINGER_MAX = Duration.ofSeconds(10);
    private static final Duration LINGER_SLICE = Duration.ofMillis(100);

    @Spec
    private CommandSpec spec;

    @ParentCommand
    private UdpkitCommand root;

    @Mixin
    private ListenAddressOptions listenAddress;

    @Option(names = {"-P", "--payload-only"}, description = "Print only each message's text, exactly as received.")
    private boolean payloadOnly;

    @Option(names = {"-n", "--count"}, paramLabel = "N", converter = Converters.PositiveIntConverter.class,
            description = "Exit after N messages.")
    private Integer count;

    @Mixin
    private TransportOptions transport;

    @Mixin
    private FilterOptions filter;

    @Option(names = {"-g", "--group"}, paramLabel = "ADDR",
            description = "Join this multicast group (IPv4 224.0.0.0/4 or IPv6 ff00::/8) and print what is sent to it "
                    + "on --port; several listeners on one host may share the port.")
    private String group;

    @Mixin
    private MulticastOptions multicast;

    @Mixin
    private SignatureOptions signatures;

    private final ServerControl control = new ServerControl();

    @Override
    public Integer call() throws Exception {
        transport.resolve();
        signatures.resolve();
        if (signatures.signs()) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(),
                    "listen only receives: --identity signs what send sends (listen verifies with --known-keys)");
        }
        return control.run(this::listen);
    }

    private int listen() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        InetSocketAddress address = listenAddress.address();
        DeliveryMode mode = transport.mode();
        Codec<String> codec = signatures.wrapShowingSigner(transport.textCodec(), payloadOnly);
        EndpointBuilder<String> builder = multicast.configure(transport.asServer().configure(Udp.endpoint(codec)));
        if (group != null) {
            InetAddress groupAddress = Addresses.resolve(group);
            if (!groupAddress.isMulticastAddress()) {
                throw new IllegalArgumentException("--group " + group + " is not a multicast address "
                        + "(IPv4 224.0.0.0/4, IPv6 ff00::/8)");
            }
            if (address.getAddress().isAnyLocalAddress()) {
                // The socket speaks the group's family; the wildcard of that family receives the group.
                address = new InetSocketAddress(groupAddress instanceof Inet6Address ? "::" : "0.0.0.0", address.getPort());
            }
            builder.joinGroup(groupAddress);
        }
        long printed = 0;
        long unprinted = 0;
        try (Endpoint<String> endpoint = Endpoints.open(builder.bind(address).filter(filter.filter()), address)) {
            err.println("listening on udp " + Addresses.format(endpoint.localAddress())
                    + (group == null ? "" : " in group " + endpoint.groups().iterator().next().getHostAddress())
                    + (root.verbosity() > 0 ? " (" + transport.describe() + signed() + ")" : ""));
            err.flush();
            control.started(endpoint, endpoint.localAddress());
            while (count == null || printed < count) {
                Message<String> m;
                try {
                    m = endpoint.receive(POLL);
                } catch (ReceiveTimeoutException e) {
                    continue;
                } catch (EndpointClosedException e) {
                    break;
                }
                out.println(payloadOnly ? m.payload() : format(m));
                out.flush();
                printed++;
            }
            if (mode.isReliable() && count != null && printed == count) {
                unprinted = linger(endpoint);
            }
            transport.printStats(err, endpoint.stats(), signatures.verifies()
                            ? "not signed or " + transport.undecodable(true) : transport.undecodable(true),
                    "printed " + printed + (unprinted > 0 ? ", after --count " + unprinted : ""));
        }
        return 0;
    }

    /**
     * Goes on acknowledging after the last message, as TCP's TIME-WAIT does: a sender whose last
     * acknowledgement was lost retransmits, and would fail if nobody answered. Ends when every peer
     * has closed, after {@link #LINGER_QUIET} without a datagram, or after {@link #LINGER_MAX}.
     *
     * @return the messages that arrived meanwhile, acknowledged but not printed
     */
    private long linger(Endpoint<String> endpoint) {
        long start = System.nanoTime();
        long quietSince = start;
        long received = endpoint.stats().datagramsReceived();
        long extra = 0;
        while (endpoint.stats().peers() > 0) {
            long now = System.nanoTime();
            if (now - start >= LINGER_MAX.toNanos() || now - quietSince >= LINGER_QUIET.toNanos()) {
                break;
            }
            try {
                endpoint.receive(LINGER_SLICE);
                extra++;
            } catch (ReceiveTimeoutException e) {
                // nothing new: look at the peers and the silence again
            } catch (EndpointClosedException e) {
                break;
            }
            long nowReceived = endpoint.stats().datagramsReceived();
            if (nowReceived != received) {
                received = nowReceived;
                quietSince = System.nanoTime();
            }
        }
        return extra;
    }

    /** {@code HH:MM:SS.mmm 127.0.0.1:53211 text}, the text on one line. */
    static String format(Message<String> m) {
        return Console.time(m.receivedAt()) + " " + Addresses.format(m.sender()) + " " + Console.escape(m.payload());
    }

    private String signed() {
        String s = signatures.describe();
        return s.isEmpty() ? "" : "; " + s;
    }

    /** Where the listener is bound, once it is; for tests and embedding. */
    CompletableFuture<InetSocketAddress> bound() {
        return control.bound();
    }

    /** Stops listening; {@code call()} then returns 0. */
    void stop() {
        control.stop();
    }
}
