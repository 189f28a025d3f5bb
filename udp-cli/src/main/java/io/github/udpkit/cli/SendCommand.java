package io.github.udpkit.cli;

import io.github.udpkit.api.DeliveryMode;
import io.github.udpkit.api.Endpoint;
import io.github.udpkit.api.Message;
import io.github.udpkit.api.ReceiveTimeoutException;
import io.github.udpkit.core.Durations;
import io.github.udpkit.core.EndpointBuilder;
import io.github.udpkit.core.Udp;
import io.github.udpkit.core.protocol.EngineConfig;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code udpkit send}: sends each message, or each line of standard input, as one UDP datagram (or,
 * in a framed mode, one udpkit message), and with {@code --reply-timeout} prints the reply to each.
 * In a reliable mode it exits 0 only once the peer has acknowledged every message.
 */
@Command(name = "send", sortOptions = false,
        description = {
            "Sends each MESSAGE as one UDP datagram of UTF-8 text, or each line of standard input when no "
                    + "MESSAGE is given.",
            "With --reply-timeout, waits for a reply to each and prints it; exits 1 if any did not come in time.",
            "With --identity, signs each message (Ed25519); replies must then be signed too, and are verified with "
                    + "--known-keys.",
            "With --mode reliable (or --reliable), exits 0 only when the peer acknowledged every message, and 1 "
                    + "with one line naming the peer, the attempts and the time taken when it did not within --timeout.",
        })
final class SendCommand implements Callable<Integer> {

    /** The largest UDP payload; a longer line could never be sent. */
    static final int MAX_LINE = Endpoint.MAX_DATAGRAM_PAYLOAD;
    /** A datagram handed to a local socket completes at once; this bounds the wait all the same. */
    private static final long SEND_WAIT_SECONDS = 5;
    /** Reliable messages outstanding before reading more input waits for the oldest acknowledgement. */
    private static final int MAX_UNACKNOWLEDGED = 1024;

    @Spec
    private CommandSpec spec;

    @ParentCommand
    private UdpkitCommand root;

    @Parameters(index = "0", paramLabel = "HOST:PORT", converter = Converters.HostPortConverter.class,
            description = "Where to send, e.g. localhost:12000 or [::1]:12000.")
    private HostPort target;

    @Parameters(index = "1..*", paramLabel = "MESSAGE", description = "Messages to send, one datagram each.")
    private List<String> messages = new ArrayList<>();

    @Option(names = {"-r", "--reply-timeout"}, paramLabel = "DURATION", converter = DurationConverter.class,
            description = "Wait this long for a reply to each message and print it (e.g. 2s, 500ms, PT1S).")
    private Duration replyTimeout;

    @Option(names = "--timeout", paramLabel = "DURATION", defaultValue = "10s", converter = DurationConverter.class,
            description = "Reliable modes: how long a message may go unacknowledged before send gives up and "
                    + "exits 1 (default: ${DEFAULT-VALUE}).")
    private Duration timeout;

    @Mixin
    private TransportOptions transport;

    @Mixin
    private MulticastOptions multicast;

    @Mixin
    private SignatureOptions signatures;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        boolean verbose = root.verbosity() > 0;
        transport.resolve();
        DeliveryMode mode = transport.mode();
        InetSocketAddress peer = target.resolve();
        if (mode.isReliable() && peer.getAddress().isMulticastAddress()) {
            throw new IllegalArgumentException(target + " is a multicast group: reliable delivery needs one peer to "
                    + "acknowledge (reliable multicast is out of scope); send to a group in raw, unreliable or sequenced mode");
        }
        signatures.resolve();
        EndpointBuilder<String> builder = multicast.configure(transport.asClientOf(target.host())
                        .configure(Udp.endpoint(signatures.wrap(transport.textCodec()))))
                .bind(Endpoints.wildcardFor(peer)).connect(peer);
        if (mode.isReliable()) {
            // The engine gives up on a message at --timeout; a send waiting for room in a full window
            // gives up after as long. Replies are acknowledged at once, not coalesced, so that the
            // last one is acknowledged before send closes and its server does not count it as lost.
            // A --timeout shorter than a few first retransmission timeouts (1 s by default) shortens
            // that timeout, so the message is still tried more than once.
            EngineConfig defaults = EngineConfig.defaults();
            Duration firstRto = timeout.dividedBy(4).compareTo(defaults.initialRto()) < 0
                    ? timeout.dividedBy(4) : defaults.initialRto();
            builder.protocol(defaults.toBuilder().deliveryDeadline(timeout).ackDelay(Duration.ZERO)
                    .initialRto(firstRto.isZero() ? Duration.ofMillis(1) : firstRto).build())
                    .sendTimeout(timeout);
        }
        int missing = 0;
        Optional<Acknowledgements.Failure> failure = Optional.empty();
        try (Endpoint<String> endpoint = builder.open()) {
            if (verbose) {
                err.println("sending from udp " + Addresses.format(endpoint.localAddress()) + " to "
                        + Addresses.format(peer) + " (" + transport.describe()
                        + (signatures.signs() || signatures.verifies() ? "; " + signatures.describe() : "") + ")");
            }
            Acknowledgements acks = new Acknowledgements(peer, timeout, MAX_UNACKNOWLEDGED);
            Iterator<String> given = messages.iterator();
            LineReader lines = new LineReader(root.stdin(), MAX_LINE);
            Source source = messages.isEmpty() ? lines::readLine : () -> given.hasNext() ? given.next() : null;
            String message;
            int n = 0;
            while (acks.failure().isEmpty() && (message = source.next()) != null) {
                n++;
                // A reply that came after its wait ended belongs to an earlier message: drop it, so
                // each message is paired with its own reply.
                for (Optional<Message<String>> late = endpoint.poll(); late.isPresent(); late = endpoint.poll()) {
                    if (verbose) {
                        err.println("late reply dropped: " + ListenCommand.format(late.get()));
                    }
                }
                CompletableFuture<Void> sent = endpoint.send(message).toPeer();
                if (mode.isReliable()) {
                    acks.add(n, sent);
                } else {
                    sent.get(SEND_WAIT_SECONDS, TimeUnit.SECONDS);
                }
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
            if (mode.isReliable()) {
                failure = acks.awaitAll();
                failure.ifPresent(f -> err.println("udpkit: " + f.message()));
                if (verbose && failure.isEmpty()) {
                    err.println(acks.acknowledged() + " message" + (acks.acknowledged() == 1 ? "" : "s")
                            + " acknowledged by " + Addresses.format(peer));
                }
            }
            err.flush();
            transport.printStats(err, endpoint.stats(), true, "");
        }
        return missing == 0 && failure.isEmpty() ? 0 : ErrorReporter.FAILURE;
    }

    /** The messages to send, one at a time, so stdin is read as it comes. */
    @FunctionalInterface
    private interface Source {
        /** The next message, or {@code null} when there are no more. */
        String next() throws IOException;
    }
}
