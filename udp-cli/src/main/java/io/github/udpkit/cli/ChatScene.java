package io.github.udpkit.cli;

import io.github.udpkit.api.EndpointStats;
import io.github.udpkit.chat.ChatClient;
import io.github.udpkit.chat.ChatFrame;
import io.github.udpkit.chat.ChatJoined;
import io.github.udpkit.chat.ChatListener;
import io.github.udpkit.chat.ChatMessage;
import io.github.udpkit.chat.ChatServer;
import io.github.udpkit.chat.ChatServerConfig;
import io.github.udpkit.chat.LeaveReason;
import io.github.udpkit.core.EndpointBuilder;
import io.github.udpkit.core.protocol.EngineConfig;
import io.github.udpkit.core.transport.Impairments;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * The chat scene: a chat server and three members, each member's traffic through a link that
 * loses a fifth of the datagrams each way (seeded, so the losses are the same each run). They join,
 * talk all at once, and leave; each member prints what reaches it as {@code udpkit chat} would, and
 * the scene checks that every message reached every other member once, in the order it was said,
 * under its sender's name.
 */
final class ChatScene implements DemoScene {

    /** Who says what, in the order they say it; everyone speaks at once, without waiting. */
    static final List<String[]> SCRIPT = List.of(
            new String[] {"alice", "hello, both of you"},
            new String[] {"bob", "hi alice! this link drops one datagram in five"},
            new String[] {"carol", "안녕하세요 — and yet nothing is lost"},
            new String[] {"alice", "nor duplicated, nor out of order"},
            new String[] {"bob", "the server stamps our names and its time"},
            new String[] {"carol", "bye for now"});
    static final List<String> NAMES = List.of("alice", "bob", "carol");
    private static final double LOSS = 0.2;
    private static final Duration WAIT = Duration.ofSeconds(15);
    private static final DateTimeFormatter CLOCK = DateTimeFormatter.ofPattern("HH:mm:ss", Locale.ROOT)
            .withZone(ZoneId.systemDefault());

    @Override
    public String title() {
        return "a chat room over a link that loses 20% of datagrams (RELIABLE, ordered)";
    }

    @Override
    public boolean play(PrintWriter out) throws Exception {
        InetAddress loopback = InetAddress.getLoopbackAddress();
        // Loopback answers in microseconds: a first retransmission after 200 ms, not the engine's
        // cautious second, keeps the show brisk.
        ChatServerConfig config = ChatServerConfig.defaults();
        EngineConfig quick = EngineConfig.defaults().toBuilder().initialRto(Duration.ofMillis(200)).build();
        try (ChatServer server = ChatServer.builder().bind(new InetSocketAddress(loopback, 0)).config(config)
                .transport(eb -> eb.protocol(ChatServer.engineConfig(config).toBuilder()
                        .initialRto(Duration.ofMillis(200)).build()))
                .open()) {
            out.println("chat server on udp " + Addresses.format(server.localAddress()) + "; alice, bob and carol "
                    + "reach it through links that lose " + Math.round(LOSS * 100) + "% of datagrams each way");
            out.println();
            Map<String, Member> members = new LinkedHashMap<>();
            List<ChatClient> clients = new ArrayList<>();
            try {
                for (int i = 0; i < NAMES.size(); i++) {
                    String name = NAMES.get(i);
                    Member m = new Member(name, out);
                    members.put(name, m);
                    long seed = 41 + i;
                    ChatClient client = ChatClient.builder().server(server.localAddress())
                            .bind(loopback.getHostAddress(), 0).name(name).listener(m)
                            .transport(lossy(quick, seed)).connect();
                    clients.add(client);
                    client.joined().get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
                }
                for (String name : NAMES) {
                    // Everyone has seen everyone join before anyone speaks.
                    members.get(name).awaitJoins(NAMES.size() - 1 - NAMES.indexOf(name));
                }
                out.println();
                List<CompletableFuture<Void>> sends = new ArrayList<>();
                for (String[] line : SCRIPT) {
                    out.println(pad(line[0]) + "says: " + line[1]);
                    sends.add(clients.get(NAMES.indexOf(line[0])).say(line[1]));
                }
                CompletableFuture.allOf(sends.toArray(CompletableFuture[]::new))
                        .get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
                for (Member m : members.values()) {
                    m.awaitMessages(SCRIPT.size() - said(m.name));
                }
                out.println();
            } finally {
                // The last to join leaves first; the others hear of it before the next one goes.
                for (int i = clients.size() - 1; i >= 0; i--) {
                    clients.get(i).close(); // leaves, and waits for the server to acknowledge it
                    for (int j = 0; j < i; j++) {
                        members.get(NAMES.get(j)).awaitLeaves(clients.size() - i);
                    }
                }
            }
            out.println();
            boolean ok = true;
            for (int i = 0; i < clients.size(); i++) {
                ok &= report(members.get(NAMES.get(i)), clients.get(i).endpointStats(), out);
            }
            EndpointStats s = server.endpointStats();
            out.printf(Locale.ROOT, "server: %d joins, %d messages relayed as %d, %d datagrams sent, %d retransmitted%n",
                    server.stats().joins(), server.stats().messages(), server.stats().framesSent(),
                    s.datagramsSent(), s.retransmissions());
            return ok;
        }
    }

    /** A member's endpoint: the quick first retransmission, and its own seeded lossy link. */
    private static Consumer<EndpointBuilder<ChatFrame>> lossy(EngineConfig quick, long seed) {
        return eb -> eb.protocol(quick).impairments(Impairments.builder().loss(LOSS).seed(seed).build());
    }

    /** Whether a member got every other member's lines once, in order, under the right names. */
    private static boolean report(Member m, EndpointStats stats, PrintWriter out) {
        List<String> expected = new ArrayList<>();
        for (String[] line : SCRIPT) {
            if (!line[0].equals(m.name)) {
                expected.add(line[0] + ": " + line[1]);
            }
        }
        List<String> got = m.received();
        boolean ok = true;
        for (String sender : NAMES) {
            String prefix = sender + ": ";
            List<String> want = expected.stream().filter(l -> l.startsWith(prefix)).toList();
            List<String> have = got.stream().filter(l -> l.startsWith(prefix)).toList();
            ok &= want.equals(have);
        }
        ok &= got.size() == expected.size();
        out.printf(Locale.ROOT, "%s%d of %d messages, each once and in order: %s; %d datagrams sent, %d retransmitted%n",
                pad(m.name), got.size(), expected.size(), ok ? "yes" : "NO", stats.datagramsSent(),
                stats.retransmissions());
        return ok;
    }

    private static int said(String name) {
        int n = 0;
        for (String[] line : SCRIPT) {
            if (line[0].equals(name)) {
                n++;
            }
        }
        return n;
    }

    private static String pad(String name) {
        return String.format(Locale.ROOT, "%-7s", name);
    }

    /** One member's view, printed as it happens (on the member's I/O thread) and kept for the verdict. */
    private static final class Member implements ChatListener {
        private final String name;
        private final PrintWriter out;
        private final List<String> received = new ArrayList<>();
        private int othersJoined;
        private int othersLeft;

        Member(String name, PrintWriter out) {
            this.name = name;
            this.out = out;
        }

        @Override
        public void onJoined(ChatJoined j) {
            print("* joined " + j.room() + " as " + j.name() + " (" + String.join(", ", j.members()) + ")");
        }

        // Each event is printed before waiters are woken, so the scene's next line comes after it.

        @Override
        public synchronized void onMessage(ChatMessage m) {
            print("[" + CLOCK.format(m.serverTime()) + "] " + m.sender() + ": " + m.text());
            received.add(m.sender() + ": " + m.text());
            notifyAll();
        }

        @Override
        public synchronized void onMemberJoined(String room, String who) {
            print("* " + who + " joined");
            othersJoined++;
            notifyAll();
        }

        @Override
        public synchronized void onMemberLeft(String room, String who, LeaveReason reason) {
            print("* " + who + " left" + (reason == LeaveReason.LEFT ? "" : " (" + reason.describe() + ")"));
            othersLeft++;
            notifyAll();
        }

        @Override
        public void onDisconnected(LeaveReason reason) {
            print("! disconnected: " + reason.describe());
        }

        synchronized List<String> received() {
            return List.copyOf(received);
        }

        void awaitJoins(int count) throws InterruptedException {
            awaitUntil(() -> othersJoined >= count);
        }

        void awaitLeaves(int count) throws InterruptedException {
            awaitUntil(() -> othersLeft >= count);
        }

        void awaitMessages(int count) throws InterruptedException {
            awaitUntil(() -> received.size() >= count);
        }

        /** Waits, at most {@link #WAIT}, for a condition on this member's state; the verdict says if it never came. */
        private synchronized void awaitUntil(BooleanSupplier condition) throws InterruptedException {
            long deadline = System.nanoTime() + WAIT.toNanos();
            while (!condition.getAsBoolean()) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return;
                }
                TimeUnit.NANOSECONDS.timedWait(this, left);
            }
        }

        private void print(String text) {
            out.println(pad(name) + text);
        }
    }
}
