package io.github.udpkit.cli;

import io.github.udpkit.api.DeliveryMode;
import io.github.udpkit.core.EndpointBuilder;
import io.github.udpkit.core.Udp;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code udpkit echo-server}: the seeds' echo server over UDP, or over TCP with {@code --tcp},
 * upper-casing with {@code --upper}; serves the seeds' Python clients unchanged.
 */
@Command(name = "echo-server", sortOptions = false,
        description = {
            "Replies to each message with the same text, upper-cased with --upper: the uppercase server "
                    + "of the classic socket tutorials, over UDP, or over TCP with --tcp.",
            "Prints 'listening on udp ADDRESS' once bound, a line per new peer, and with -v a line per message.",
            "Replies in the mode it receives in (--mode): a client must use the same mode, and the same key.",
        })
final class EchoServerCommand implements Callable<Integer> {

    @Spec
    private CommandSpec spec;

    @ParentCommand
    private UdpkitCommand root;

    @Mixin
    private ListenAddressOptions listenAddress;

    @Option(names = {"-u", "--upper"}, description = "Reply upper-cased (UTF-8 text, as Python's str.upper()).")
    private boolean upper;

    @Option(names = {"-t", "--tcp"}, description = "Serve TCP instead of UDP.")
    private boolean tcp;

    @Option(names = "--max-connections", paramLabel = "N", defaultValue = "64",
            converter = Converters.PositiveIntConverter.class,
            description = "TCP: clients served at once; more are closed at once (default: ${DEFAULT-VALUE}).")
    private int maxConnections;

    @Option(names = "--idle-timeout", paramLabel = "DURATION", defaultValue = "10m", converter = DurationConverter.class,
            description = "TCP: disconnect a client silent this long (default: ${DEFAULT-VALUE}).")
    private Duration idleTimeout;

    @Mixin
    private TransportOptions transport;

    @Mixin
    private FilterOptions filter;

    private final ServerControl control = new ServerControl();

    @Override
    public Integer call() throws Exception {
        transport.resolve(tcp);
        return control.run(this::serve);
    }

    private int serve() {
        PrintWriter out = spec.commandLine().getOut();
        InetSocketAddress address = listenAddress.address();
        Printer printer = new Printer(out, root.verbosity() > 0);
        String protocol = tcp ? "tcp" : "udp";
        if (tcp) {
            try (TcpEchoServer server = TcpEchoServer.open(address, upper, maxConnections, idleTimeout,
                    filter.filter(), printer)) {
                announce(out, protocol, server.localAddress(), "");
                control.started(server, server.localAddress());
                server.serve();
                out.printf("stopped: %d clients served, %d refused, %d closed for bad UTF-8%s%n",
                        server.accepted(), server.refused(), server.dropped(),
                        filter.given() ? ", " + server.filtered() + " filtered" : "");
            }
        } else {
            EndpointBuilder<byte[]> builder = transport.asServer().configure(Udp.endpoint(transport.bytesCodec()))
                    .filter(filter.filter());
            try (UdpEchoServer server = UdpEchoServer.open(builder, address, upper, printer)) {
                DeliveryMode mode = server.mode();
                String settings = transport.describe();
                announce(out, protocol, server.localAddress(), settings.equals("raw") ? "" : ", " + settings);
                control.started(server, server.localAddress());
                server.serve();
                out.printf("stopped: %d %s echoed, %d dropped%s%n", server.echoed(),
                        mode.isFramed() ? "messages" : "datagrams", server.dropped(),
                        mode.isReliable() ? ", " + server.unacknowledged() + " replies not acknowledged" : "");
                out.flush();
                transport.printStats(spec.commandLine().getErr(), server.stats(), false,
                        "echoed " + server.echoed());
            }
        }
        out.flush();
        return 0;
    }

    private void announce(PrintWriter out, String protocol, InetSocketAddress local, String settings) {
        out.println("listening on " + protocol + " " + Addresses.format(local)
                + (upper ? " (uppercase echo" : " (echo") + settings + ")");
        out.flush();
    }

    /** Where the server is bound, once it is; for tests and embedding. */
    CompletableFuture<InetSocketAddress> bound() {
        return control.bound();
    }

    /** Stops the server; {@code call()} then returns 0. */
    void stop() {
        control.stop();
    }

    /** Prints the server's events, a line each. */
    private static final class Printer implements EchoObserver {
        private final PrintWriter out;
        private final boolean verbose;

        Printer(PrintWriter out, boolean verbose) {
            this.out = out;
            this.verbose = verbose;
        }

        @Override
        public void peer(String protocol, InetSocketAddress peer, int open) {
            line(protocol + " " + Addresses.format(peer) + (protocol.equals("tcp")
                    ? " connected (" + open + " open)" : " new peer"));
        }

        @Override
        public void echoed(String protocol, InetSocketAddress peer, byte[] received, Instant receivedAt,
                           byte[] replied, Instant repliedAt) {
            if (verbose) {
                out.println(Console.time(receivedAt) + " " + protocol + " " + Addresses.format(peer) + " "
                        + text(received) + " -> " + text(replied));
                out.flush();
            }
        }

        @Override
        public void dropped(String protocol, InetSocketAddress peer, String why) {
            // A line per bad datagram would let any sender flood the console: UDP drops only with -v,
            // and counted in the summary.
            if (!verbose && protocol.equals("udp")) {
                return;
            }
            line(protocol + " " + Addresses.format(peer) + " dropped: " + why);
        }

        @Override
        public void closed(String protocol, InetSocketAddress peer, long bytesIn, long bytesOut, int open) {
            line(protocol + " " + Addresses.format(peer) + " closed after " + bytesIn + " bytes in, "
                    + bytesOut + " out (" + open + " open)");
        }

        private void line(String s) {
            out.println(Console.time(Instant.now()) + " " + s);
            out.flush();
        }

        private static String text(byte[] bytes) {
            return Console.quote(new String(bytes, StandardCharsets.UTF_8));
        }
    }
}
