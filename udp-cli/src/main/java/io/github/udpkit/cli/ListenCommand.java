package io.github.udpkit.cli;

import io.github.udpkit.api.Codecs;
import io.github.udpkit.api.DeliveryMode;
import io.github.udpkit.api.Endpoint;
import io.github.udpkit.api.EndpointClosedException;
import io.github.udpkit.api.EndpointStats;
import io.github.udpkit.api.Message;
import io.github.udpkit.api.ReceiveTimeoutException;
import io.github.udpkit.core.Udp;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code udpkit listen}: prints each UDP message received, with its time and sender, or just its
 * payload; the receiving side of the seeds' examples.
 */
@Command(name = "listen", sortOptions = false,
        description = {
            "Prints each UDP message received as 'HH:MM:SS.mmm SENDER TEXT' (control characters shown as "
                    + "\\n, \\t, \\u001b), or just the text with --payload-only, one per line.",
            "Datagrams that are not UTF-8 are not printed, only counted (see --stats). Runs until "
                    + "interrupted or --count messages. 'listening on udp ADDRESS' goes to standard error.",
        })
final class ListenCommand implements Callable<Integer> {

    private static final Duration POLL = Duration.ofSeconds(1);

    @Spec
    private CommandSpec spec;

    @Option(names = {"-p", "--port"}, paramLabel = "PORT", defaultValue = "12000",
            converter = Converters.PortConverter.class,
            description = "Port to listen on, 0 for any free one (default: ${DEFAULT-VALUE}).")
    private int port;

    @Option(names = {"-b", "--bind"}, paramLabel = "ADDR",
            description = "Local address to listen on (default: all addresses).")
    private String bind;

    @Option(names = {"-P", "--payload-only"}, description = "Print only each message's text, exactly as received.")
    private boolean payloadOnly;

    @Option(names = {"-n", "--count"}, paramLabel = "N", converter = Converters.PositiveIntConverter.class,
            description = "Exit after N messages.")
    private Integer count;

    @Option(names = "--stats", description = "On exit, print to standard error what was received and dropped.")
    private boolean stats;

    private final ServerControl control = new ServerControl();

    @Override
    public Integer call() throws Exception {
        return control.run(this::listen);
    }

    private int listen() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        InetSocketAddress address = Endpoints.bindAddress(bind, port);
        long printed = 0;
        try (Endpoint<String> endpoint = Endpoints.open(
                Udp.endpoint(Codecs.utf8()).bind(address).mode(DeliveryMode.RAW), address)) {
            err.println("listening on udp " + Addresses.format(endpoint.localAddress()));
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
            if (stats) {
                EndpointStats s = endpoint.stats();
                err.printf("received %d datagrams (%d bytes): %d printed, %d not UTF-8, %d dropped (queue full)%n",
                        s.datagramsReceived(), s.bytesReceived(), printed, s.decodeFailures(), s.receiveQueueDrops());
                err.flush();
            }
        }
        return 0;
    }

    /** {@code HH:MM:SS.mmm 127.0.0.1:53211 text}, the text on one line. */
    static String format(Message<String> m) {
        return Console.time(m.receivedAt()) + " " + Addresses.format(m.sender()) + " " + Console.escape(m.payload());
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
