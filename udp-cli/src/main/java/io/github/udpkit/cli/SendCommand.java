package io.github.udpkit.cli;

import io.github.udpkit.api.Codecs;
import io.github.udpkit.api.DeliveryMode;
import io.github.udpkit.api.Endpoint;
import io.github.udpkit.api.Message;
import io.github.udpkit.api.ReceiveTimeoutException;
import io.github.udpkit.core.Udp;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code udpkit send}: sends each message, or each line of standard input, as one UDP datagram, and
 * with {@code --reply-timeout} prints the reply to each.
 */
@Command(name = "send", sortOptions = false,
        description = {
            "Sends each MESSAGE as one UDP datagram of UTF-8 text, or each line of standard input when no "
                    + "MESSAGE is given.",
            "With --reply-timeout, waits for a reply to each and prints it; exits 1 if any did not come in time.",
        })
final class SendCommand implements Callable<Integer> {

    /** The largest UDP payload; a longer line could never be sent. */
    static final int MAX_LINE = 65_507;
    /** A datagram handed to a local socket completes at once; this bounds the wait all the same. */
    private static final long SEND_WAIT_SECONDS = 5;

    @Spec
    private CommandSpec spec;

    @ParentCommand
    private UdpkitCommand root;

    @Parameters(index = "0", paramLabel = "HOST:PORT", converter = Converters.HostPortConverter.class,
            description = "Where to send, e.g. localhost:12000 or [::1]:12000.")
    private HostPort target;

    @Parameters(index = "1..*", paramLabel = "MESSAGE", description = "Messages to send, one datagram each.")
    private List<String> messages = new ArrayList<>();

    @Option(names = {"-r", "--reply-timeout"}, paramLabel = "DURATION", converter = Durations.class,
            description = "Wait this long for a reply to each message and print it (e.g. 2s, 500ms, PT1S).")
    private Duration replyTimeout;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        boolean verbose = root.verbosity() > 0;
        InetSocketAddress peer = target.resolve();
        int missing = 0;
        try (Endpoint<String> endpoint = Udp.endpoint(Codecs.utf8())
                .bind(Endpoints.wildcardFor(peer)).connect(peer).mode(DeliveryMode.RAW).open()) {
            Iterator<String> given = messages.iterator();
            LineReader lines = new LineReader(root.stdin(), MAX_LINE);
            Source source = messages.isEmpty() ? lines::readLine : () -> given.hasNext() ? given.next() : null;
            String message;
            int n = 0;
            while ((message = source.next()) != null) {
                n++;
                // A reply that came after its wait ended belongs to an earlier message: drop it, so
                // each message is paired with its own reply.
                for (Optional<Message<String>> late = endpoint.poll(); late.isPresent(); late = endpoint.poll()) {
                    if (verbose) {
                        err.println("late reply dropped: " + ListenCommand.format(late.get()));
                    }
                }
                endpoint.send(message).toPeer().get(SEND_WAIT_SECONDS, TimeUnit.SECONDS);
                if (verbose) {
                    err.println("sent " + Console.quote(message) + " to " + Addresses.format(peer));
                }
                if (replyTimeout != null) {
                    try {
                        Message<String> reply = endpoint.receive(replyTimeout);
                        out.println(reply.payload());
                        if (verbose) {
                            err.println("reply from " + Addresses.format(reply.sender()));
                        }
                    } catch (ReceiveTimeoutException e) {
                        missing++;
                        err.println("udpkit: no reply to message " + n + " from " + Addresses.format(peer)
                                + " within " + Durations.format(replyTimeout));
                    }
                }
                out.flush();
                err.flush();
            }
        }
        return missing == 0 ? 0 : ErrorReporter.FAILURE;
    }

    /** The messages to send, one at a time, so stdin is read as it comes. */
    @FunctionalInterface
    private interface Source {
        /** The next message, or {@code null} when there are no more. */
        String next() throws IOException;
    }
}
