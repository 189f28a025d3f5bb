package io.github.udpkit.cli.chat;

import io.github.udpkit.api.UdpIoException;
import io.github.udpkit.chat.ChatReason;
import io.github.udpkit.chat.ChatServer;
import io.github.udpkit.chat.ChatServerConfig;
import io.github.udpkit.chat.ChatServerListener;
import io.github.udpkit.chat.ChatServerStats;
import io.github.udpkit.chat.LeaveReason;
import io.github.udpkit.cli.DurationConverter;
import io.github.udpkit.cli.FilterOptions;
import io.github.udpkit.cli.ListenAddressOptions;
import io.github.udpkit.core.security.AddressFilter;
import io.github.udpkit.cli.DtlsOptions;
import io.github.udpkit.core.dtls.DtlsConfig;
import io.github.udpkit.core.security.Key;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code udpkit chat-server}: hosts chat rooms on a reliable udpkit endpoint until stopped (Ctrl-C),
 * printing a line per join, leave and refusal.
 */
@Command(name = "chat-server", sortOptions = false, mixinStandardHelpOptions = true,
        description = {
            "Hosts chat rooms for 'udpkit chat' clients over reliable, ordered UDP.",
            "Prints 'chat server listening on ADDRESS' once bound, then a line per join, leave and refused join,"
                    + " until stopped with Ctrl-C.",
        })
public final class ChatServerCommand implements Callable<Integer> {

    @Spec
    private CommandSpec spec;

    @Mixin
    private ListenAddressOptions listenAddress;

    @Mixin
    private DtlsOptions dtls;

    @Option(names = "--room", paramLabel = "ROOM", defaultValue = "lobby",
            description = "The room clients join when they name none (default: ${DEFAULT-VALUE}).")
    private String defaultRoom;

    @Option(names = "--max-members", paramLabel = "N", defaultValue = "10000",
            description = "Members over all rooms (default: ${DEFAULT-VALUE}).")
    private int maxMembers;

    @Option(names = "--max-room-members", paramLabel = "N", defaultValue = "1000",
            description = "Members in one room (default: ${DEFAULT-VALUE}).")
    private int maxRoomMembers;

    @Option(names = "--idle-timeout", paramLabel = "DURATION", defaultValue = "30s", converter = DurationConverter.class,
            description = "Drop a member silent this long; clients ping at a third of it (default: ${DEFAULT-VALUE}).")
    private Duration idleTimeout;

    @Mixin
    private ChatKeyOptions keyOptions;

    @Option(names = "--plain",
            description = "Also serve programs that send plain text datagrams (the Python tutorials' chat client, "
                    + "netcat, 'udpkit chat --plain'): each becomes a member of the default room, named by its address "
                    + "until it sends '/nick NAME', and gets the room as lines of text. Accepted only from loopback and "
                    + "private addresses unless --allow says otherwise: plain text cannot prove where it came from.")
    private boolean plain;

    @Option(names = "--max-plain-members", paramLabel = "N", defaultValue = "100",
            description = "Plain members at once, with --plain (default: ${DEFAULT-VALUE}).")
    private int maxPlainMembers;

    @Option(names = "--plain-idle-timeout", paramLabel = "DURATION", defaultValue = "10m",
            converter = DurationConverter.class,
            description = "Drop a plain member silent this long; plain programs do not ping (default: ${DEFAULT-VALUE}).")
    private Duration plainIdleTimeout;

    @Mixin
    private FilterOptions filters;

    @Option(names = "--discoverable",
            description = "Answer discovery probes on the local network ('udpkit discover', 'udpkit chat --discover') "
                    + "with the server's name, port and rooms; answers are never larger than the probe, and rate-limited.")
    private boolean discoverable;

    @Option(names = "--discovery-name", paramLabel = "NAME",
            description = "With --discoverable: the name discovery answers with (default: this host's name).")
    private String serverName;

    @Option(names = "--interface", paramLabel = "NAME",
            description = "With --discoverable: the network interface to join the discovery group on.")
    private String discoveryInterface;

    private final CompletableFuture<InetSocketAddress> bound = new CompletableFuture<>();
    private final CountDownLatch stop = new CountDownLatch(1);
    private final CountDownLatch finished = new CountDownLatch(1);

    /** Creates the command; picocli sets its options. */
    public ChatServerCommand() {
    }

    @Override
    public Integer call() {
        Thread hook = new Thread(() -> {
            stop();
            try {
                finished.await(2, TimeUnit.SECONDS); // let the summary print before the JVM exits
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "udpkit-chat-server-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            return serve();
        } finally {
            bound.completeExceptionally(new IllegalStateException("chat-server ended before it was bound"));
            finished.countDown();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // Ctrl-C: the hook is running and needs no removing.
            }
        }
    }

    private int serve() {
        PrintWriter out = spec.commandLine().getOut();
        ChatServerConfig config;
        InetSocketAddress address;
        try {
            address = listenAddress.address();
            ChatServerConfig.Builder b = ChatServerConfig.builder().defaultRoom(defaultRoom).maxMembers(maxMembers)
                    .maxMembersPerRoom(maxRoomMembers).idleTimeout(idleTimeout);
            if (plain) {
                b.plainMembers(maxPlainMembers).plainIdleTimeout(plainIdleTimeout)
                        .plainSources(filters.narrowing(ChatServerConfig.privateSources()));
            }
            config = b.build();
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage(), e);
        }
        Key key = keyOptions.read(dtls);
        if (plain && dtls.given()) {
            throw new CommandLine.ParameterException(spec.commandLine(),
                    "--plain serves plain-text programs, which cannot speak DTLS: choose --plain or --dtls");
        }
        dtls.asServer();
        DtlsConfig dtlsConfig = dtls.given() ? dtls.config(spec.commandLine()) : null;
        Log log = new Log(out, ZoneId.systemDefault());
        try (ChatServer server = open(address, config, log, key, filters.filter(),
                discoverable ? (serverName != null ? serverName : hostName()) : null, dtlsConfig)) {
            out.println("chat server listening on " + format(server.localAddress()) + " (default room "
                    + config.defaultRoom() + (plain ? "; plain text members from " + plainRanges(config) : "") + ")");
            out.flush();
            bound.complete(server.localAddress());
            try {
                stop.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            ChatServerStats s = server.stats();
            out.println("stopped: " + s.joins() + " joins, " + s.messages() + " messages, " + s.privateMessages()
                    + " private, " + s.rejections() + " refused, " + s.rateLimited() + " rate limited"
                    + (plain ? ", " + s.plainJoins() + " plain members, " + s.plainIgnored() + " plain datagrams ignored"
                            : ""));
            out.flush();
        }
        return 0;
    }

    /**
     * Opens the server; a failed bind becomes the one-line error the other servers give
     * ("port 12000 is already in use (udp 0.0.0.0:12000)"), exit code 2.
     */
    private ChatServer open(InetSocketAddress address, ChatServerConfig config, ChatServerListener log,
                            Key key, AddressFilter filter, String discoveryName,
                            DtlsConfig dtlsConfig) {
        try {
            ChatServer.Builder builder = ChatServer.builder().bind(address).config(config).listener(log)
                    .transport(endpoint -> {
                        endpoint.filter(filter);
                        if (key != null) {
                            endpoint.encryption(key);
                        }
                        if (dtlsConfig != null) {
                            endpoint.dtls(dtlsConfig);
                        }
                    });
            if (discoveryName != null) {
                builder.discoverable(discoveryName, announcer -> {
                    if (discoveryInterface != null) {
                        announcer.multicastInterface(discoveryInterface);
                    }
                });
            }
            return builder.open();
        } catch (UdpIoException e) {
            if (e.getCause() instanceof BindException cause) {
                String reason = String.valueOf(cause.getMessage());
                BindException clear = new BindException(reason.toLowerCase(Locale.ROOT).contains("in use")
                        ? "port " + address.getPort() + " is already in use (udp " + format(address) + ")"
                        : "cannot bind udp " + format(address) + ": " + reason);
                clear.initCause(cause);
                throw new UncheckedIOException(clear.getMessage(), clear);
            }
            throw e;
        }
    }

    private static String hostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return "udpkit-chat";
        }
    }

    private static String plainRanges(ChatServerConfig config) {
        AddressFilter f = config.plainSources();
        return f.allowList().stream().map(Object::toString).collect(Collectors.joining(", "))
                + (f.denyList().isEmpty() ? "" : " except " + f.denyList().stream().map(Object::toString)
                        .collect(Collectors.joining(", ")));
    }

    /** Where the server is bound, once it is; for tests and embedding. */
    public CompletableFuture<InetSocketAddress> bound() {
        return bound;
    }

    /** Stops the server; {@link #call()} then prints its summary and returns 0. */
    public void stop() {
        stop.countDown();
    }

    static String format(InetSocketAddress a) {
        String host = a.getAddress().getHostAddress();
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + a.getPort();
    }

    /** A line per join, leave and refusal; names were checked by the server, so they print safely. */
    private static final class Log implements ChatServerListener {
        private static final long REFUSAL_LINE_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(1);
        private final PrintWriter out;
        private long lastRefusalLine; // the server calls its listener under its lock, one call at a time
        private long suppressedRefusals;
        private final ChatPrinter clock;

        Log(PrintWriter out, ZoneId zone) {
            this.out = out;
            this.clock = new ChatPrinter(out, out, zone);
        }

        @Override
        public void onMemberJoined(InetSocketAddress address, String room, String name) {
            line(name + " joined " + room + " from " + format(address));
        }

        @Override
        public void onMemberLeft(InetSocketAddress address, String room, String name, LeaveReason reason) {
            line(name + " left " + room + (reason == LeaveReason.LEFT ? "" : " (" + reason.describe() + ")"));
        }

        @Override
        public void onRejected(InetSocketAddress address, ChatReason reason) {
            // Anyone can send JOINs: at most one line a second, so a flood cannot flood the console.
            long now = System.nanoTime();
            if (lastRefusalLine != 0 && now - lastRefusalLine < REFUSAL_LINE_INTERVAL_NANOS) {
                suppressedRefusals++;
                return;
            }
            lastRefusalLine = now;
            String more = suppressedRefusals == 0 ? "" : " (and " + suppressedRefusals + " more refused joins)";
            suppressedRefusals = 0;
            line("refused " + format(address) + ": " + reason.standardText() + more);
        }

        private void line(String s) {
            synchronized (out) {
                out.println(clock.time(Instant.now()) + " " + s);
                out.flush();
            }
        }
    }
}
