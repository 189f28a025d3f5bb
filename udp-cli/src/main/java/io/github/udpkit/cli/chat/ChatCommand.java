package io.github.udpkit.cli.chat;

import com.google.common.net.HostAndPort;
import io.github.udpkit.api.UdpException;
import io.github.udpkit.chat.ChatClient;
import io.github.udpkit.chat.ChatJoined;
import io.github.udpkit.chat.ChatRejectedException;
import io.github.udpkit.chat.TokenBucket;
import io.github.udpkit.cli.DiscoveryOptions;
import io.github.udpkit.cli.DurationConverter;
import io.github.udpkit.cli.PlainChat;
import io.github.udpkit.core.discovery.Discoverer;
import io.github.udpkit.core.security.Identity;
import io.github.udpkit.cli.DtlsOptions;
import io.github.udpkit.core.dtls.DtlsConfig;
import io.github.udpkit.core.security.Key;
import io.github.udpkit.core.security.TrustStore;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneId;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code udpkit chat HOST:PORT --name NAME [--room ROOM]}: joins a chat room, sends each line of
 * standard input, prints what others say. Works the same with input from a pipe: it sends each
 * line, paced to the server's rate limit, and at end of input waits (boundedly) until the server
 * has acknowledged every message, leaves and exits.
 */
@Command(name = "chat", sortOptions = false, mixinStandardHelpOptions = true,
        description = {
            "Joins a room on a 'udpkit chat-server' and chats: each line typed is said to the room.",
            "Prints messages as '[HH:MM:SS] name: text' (local time), '* name joined', '* name left'.",
            "Commands: /who, /msg NAME TEXT, /join ROOM, /quit (or q); start a message with // to say"
                    + " something that starts with /.",
            "With input from a pipe it sends every line, then exits once the server has acknowledged them.",
            "--plain talks plain text to a server that relays datagrams, such as the tutorials' Python chat server:"
                    + " each line goes out as one datagram, every datagram that arrives is printed.",
        },
        exitCodeListHeading = "Exit codes:%n",
        exitCodeList = {"0:left normally", "1:join refused, server lost, or messages not acknowledged",
            "2:bad arguments"})
public final class ChatCommand implements Callable<Integer> {

    /** The most messages waiting for acknowledgement before reading more input waits for the oldest. */
    static final int MAX_UNACKNOWLEDGED = 256;

    @Spec
    private CommandSpec spec;

    @Parameters(index = "0", arity = "0..1", paramLabel = "HOST:PORT",
            description = "The chat server, e.g. localhost:12000; leave it out with --discover.")
    private String server;

    @Option(names = "--discover",
            description = "Find the chat server on the local network (see 'udpkit discover') and join it if exactly one "
                    + "answers; if several do, list them and exit 1.")
    private boolean discover;

    @Mixin
    private DiscoveryOptions discovery;

    @Option(names = {"-n", "--name"}, paramLabel = "NAME",
            description = "Your name in the room: unique there, no spaces or control characters. Required but with "
                    + "--plain, where it is sent first as '/nick NAME' (for 'udpkit chat-server --plain').")
    private String name;

    @Option(names = "--plain",
            description = "Plain text datagrams instead of udpkit's reliable chat protocol: for servers that relay "
                    + "datagrams (the Python tutorials' chat server, 'udpkit chat-server --plain').")
    private boolean plain;

    @Option(names = {"-r", "--room"}, paramLabel = "ROOM",
            description = "The room to join (default: the server's default room).")
    private String room;

    @Option(names = "--wait", paramLabel = "DURATION", defaultValue = "10s", converter = DurationConverter.class,
            description = "How long to wait for the join, and at the end for acknowledgements (default: ${DEFAULT-VALUE}).")
    private Duration wait;

    @Mixin
    private DtlsOptions dtls;

    @Mixin
    private ChatKeyOptions key;

    @Option(names = "--identity", paramLabel = "FILE",
            description = "Sign what you say with the Ed25519 identity in FILE ('udpkit keygen --identity --out FILE'): "
                    + "the server binds your name to its key, and everyone checks your messages.")
    private Path identityFile;

    @Option(names = "--known-keys", paramLabel = "FILE",
            description = "The members' keys you know ('NAME ed25519 KEY' lines); new ones are added. Default with "
                    + "--identity: FILE.known-keys beside the identity file; without either, kept in memory.")
    private Path knownKeysFile;

    private final InputStream in;
    private final ZoneId zone;

    /** Creates the command reading standard input, printing times in the system's zone. */
    public ChatCommand() {
        this(System.in, ZoneId.systemDefault());
    }

    /**
     * Creates the command reading another input, for tests and embedding.
     *
     * @param in the lines to send
     * @param zone the zone times are printed in
     */
    public ChatCommand(InputStream in, ZoneId zone) {
        this.in = Objects.requireNonNull(in, "in");
        this.zone = Objects.requireNonNull(zone, "zone");
    }

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (discover == (server != null)) {
            throw new CommandLine.ParameterException(spec.commandLine(),
                    discover ? "give HOST:PORT or --discover, not both" : "Missing required parameter: 'HOST:PORT' (or --discover)");
        }
        if (discover) {
            List<Discoverer.Found> chats = new ArrayList<>();
            for (Discoverer.Found f : discovery.discover()) {
                if (f.announcement().service().equals("chat")) {
                    chats.add(f);
                }
            }
            if (chats.size() != 1) {
                for (Discoverer.Found f : chats) {
                    err.println(DiscoveryOptions.format(f));
                }
                err.println("udpkit: " + (chats.isEmpty() ? "no chat server answered within "
                        + discovery.timeout().toMillis() + " ms"
                        : chats.size() + " chat servers answered; choose one: udpkit chat HOST:PORT --name NAME"));
                err.flush();
                return 1;
            }
            InetSocketAddress found = chats.get(0).address();
            server = HostAndPort.fromParts(found.getAddress().getHostAddress(), found.getPort()).toString();
            err.println("* found " + DiscoveryOptions.format(chats.get(0)));
            err.flush();
        }
        if (plain) {
            if (key.given() || room != null || identityFile != null || knownKeysFile != null || dtls.given()) {
                throw new CommandLine.ParameterException(spec.commandLine(), "--plain sends plain text: "
                        + "--key-file, --room, --identity, --known-keys and --dtls need udpkit's chat protocol");
            }
            try {
                return PlainChat.run(server, name, in, out, err);
            } catch (IllegalArgumentException e) {
                throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage(), e);
            }
        }
        if (name == null) {
            throw new CommandLine.ParameterException(spec.commandLine(), "Missing required option: '--name=NAME'");
        }
        Path knownKeys = knownKeysFile != null ? knownKeysFile
                : identityFile != null ? knownKeysBeside(identityFile) : null;
        ChatPrinter printer = new ChatPrinter(out, err, zone, identityFile != null || knownKeys != null);
        ChatClient.Builder builder = ChatClient.builder().listener(printer).closeTimeout(wait);
        // A missing or malformed identity or known-keys file throws IllegalArgumentException naming
        // it: one line, exit 2.
        if (identityFile != null) {
            builder.identity(Identity.readFrom(identityFile));
        }
        if (knownKeys != null) {
            builder.knownKeys(TrustStore.trustOnFirstUse(knownKeys));
        }
        Key shared = key.read(dtls);
        if (shared != null) {
            builder.transport(endpoint -> endpoint.encryption(shared));
        }
        try {
            HostAndPort hp = HostAndPort.fromString(server);
            if (!hp.hasPort()) {
                throw new IllegalArgumentException("HOST:PORT needs a port: '" + server + "'");
            }
            builder.server(hp.getHost(), hp.getPort()).name(name);
            dtls.asClientOf(hp.getHost());
            if (room != null) {
                builder.room(room);
            }
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage(), e);
        }
        if (dtls.given()) {
            DtlsConfig dtlsConfig = dtls.config(spec.commandLine());
            builder.transport(endpoint -> endpoint.dtls(dtlsConfig));
        }
        try (ChatClient client = builder.connect()) {
            ChatJoined joined;
            try {
                joined = client.joined().get(wait.toMillis(), TimeUnit.MILLISECONDS);
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof ChatRejectedException)) {
                    printer.problem("cannot join: " + e.getCause().getMessage());
                }
                return 1; // a refusal was printed by the listener
            } catch (TimeoutException e) {
                printer.problem("no answer from " + server + " within " + wait.toMillis() + " ms");
                return 1;
            }
            return chat(client, joined, printer);
        }
    }

    /** {@code alice.pem} → {@code alice.known-keys}, in the same directory. */
    static Path knownKeysBeside(Path identity) {
        String file = identity.getFileName().toString();
        int dot = file.lastIndexOf('.');
        String base = dot > 0 ? file.substring(0, dot) : file;
        return identity.resolveSibling(base + ".known-keys");
    }

    private int chat(ChatClient client, ChatJoined joined, ChatPrinter printer) throws InterruptedException {
        // Pace to half the server's burst, so a burst of retransmitted messages arriving together
        // still fits in the server's bucket.
        long refill = joined.rateRefill().toMillis();
        TokenBucket pace = new TokenBucket(Math.max(1, joined.rateBurst() / 2), refill, System.currentTimeMillis());
        Deque<CompletableFuture<Void>> unacknowledged = new ArrayDeque<>();
        BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
        while (!client.isDisconnected()) {
            String line;
            try {
                line = reader.readLine();
            } catch (IOException e) {
                throw new UncheckedIOException("reading standard input", e);
            }
            if (line == null) {
                break;
            }
            ChatInput input = ChatInput.parse(line);
            if (input instanceof ChatInput.Quit) {
                break;
            }
            if (input instanceof ChatInput.Nothing) {
                continue;
            }
            if (input instanceof ChatInput.Help) {
                printer.problem(ChatInput.HELP);
                continue;
            }
            if (input instanceof ChatInput.Invalid i) {
                printer.problem(i.why());
                continue;
            }
            for (long ms; (ms = pace.millisUntilAvailable(System.currentTimeMillis())) > 0; ) {
                Thread.sleep(ms); // pacing, not synchronisation: the rate is the server's
            }
            pace.tryTake(System.currentTimeMillis());
            try {
                unacknowledged.add(send(client, input));
            } catch (IllegalArgumentException e) {
                printer.problem("not sent: " + e.getMessage());
            } catch (UdpException e) {
                printer.problem("not sent: " + e.getMessage());
                return 1;
            }
            while (!unacknowledged.isEmpty() && unacknowledged.peekFirst().isDone()) {
                if (unacknowledged.pollFirst().isCompletedExceptionally()) {
                    printer.problem("a message was not acknowledged by the server");
                    return 1;
                }
            }
            if (unacknowledged.size() >= MAX_UNACKNOWLEDGED && !awaitAll(unacknowledged, printer, 1)) {
                return 1;
            }
        }
        if (client.isDisconnected()) {
            return 1;
        }
        return awaitAll(unacknowledged, printer, unacknowledged.size()) ? 0 : 1;
    }

    private static CompletableFuture<Void> send(ChatClient client, ChatInput input) {
        if (input instanceof ChatInput.Say s) {
            return client.say(s.text());
        } else if (input instanceof ChatInput.Msg m) {
            return client.privateMessage(m.to(), m.text());
        } else if (input instanceof ChatInput.Join j) {
            return client.switchRoom(j.room());
        } else if (input instanceof ChatInput.Who) {
            return client.who();
        }
        throw new IllegalStateException("not a request: " + input);
    }

    /** Waits, within --wait, for the oldest {@code count} sends to be acknowledged. */
    private boolean awaitAll(Deque<CompletableFuture<Void>> pending, ChatPrinter printer, int count)
            throws InterruptedException {
        long deadline = System.nanoTime() + wait.toNanos();
        for (int i = 0; i < count && !pending.isEmpty(); i++) {
            try {
                pending.peekFirst().get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                pending.pollFirst();
            } catch (ExecutionException e) {
                printer.problem("a message was not delivered: " + e.getCause().getMessage());
                return false;
            } catch (TimeoutException e) {
                printer.problem(pending.size() + " messages not acknowledged within " + wait.toMillis() + " ms");
                return false;
            }
        }
        return true;
    }
}
