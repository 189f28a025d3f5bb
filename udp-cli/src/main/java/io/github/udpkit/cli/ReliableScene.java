package io.github.udpkit.cli;

import io.github.udpkit.api.Codecs;
import io.github.udpkit.api.DeliveryMode;
import io.github.udpkit.api.Endpoint;
import io.github.udpkit.api.EndpointStats;
import io.github.udpkit.api.Message;
import io.github.udpkit.api.ReceiveTimeoutException;
import io.github.udpkit.core.Durations;
import io.github.udpkit.core.Udp;
import io.github.udpkit.core.protocol.EngineConfig;
import io.github.udpkit.core.transport.Impairments;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.IntFunction;

/**
 * The second scene: what the seeds say UDP lacks, done. A client sends numbered messages in
 * {@link DeliveryMode#RELIABLE} mode to a server over a link that loses a fifth of the datagrams
 * and duplicates some, both ways (the client's own traffic is impaired, from a fixed seed). First
 * one message at a time, each waiting for its acknowledgement, so the resends of each show; then a
 * burst sent all at once. The server gets every message once and in order, and the stats show the
 * retransmissions it took.
 *
 * <p>The outcome is the same on every run; which messages need resending varies a little, as the
 * datagrams the seeded impairment sees depend on timing (acknowledgements coalesce, messages pack).
 */
final class ReliableScene implements DemoScene {

    static final int ONE_BY_ONE = 10;
    static final int BURST = 400;
    static final double LOSS = 0.20;
    static final double DUPLICATE = 0.05;
    static final long SEED = 2024;
    /**
     * Bounds every wait of the scene, and is the delivery deadline: far beyond what the scene needs
     * (about a second on loopback), so a busy machine slows it down without failing it.
     */
    private static final Duration WAIT = Duration.ofSeconds(15);

    @Override
    public String title() {
        return "reliable delivery across a lossy link (RELIABLE mode, " + percent(LOSS) + " loss, "
                + percent(DUPLICATE) + " duplication)";
    }

    @Override
    public boolean play(PrintWriter out) throws Exception {
        InetSocketAddress loopback = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
        Impairments link = Impairments.builder().loss(LOSS).duplicate(DUPLICATE).seed(SEED).build();
        // Loopback answers in microseconds: a short first retransmission timeout keeps a loss of the
        // very first datagram, before any round trip is measured, from costing the default second,
        // and a low ceiling keeps the back-off after a run of losses (which the seed makes) short,
        // even when a busy machine inflates the measured round trips.
        EngineConfig engine = EngineConfig.builder().initialRto(Duration.ofMillis(100))
                .maxRto(Duration.ofMillis(250)).deliveryDeadline(WAIT).build();
        try (Endpoint<String> server = Udp.endpoint(Codecs.utf8()).bind(loopback).mode(DeliveryMode.RELIABLE)
                     .protocol(engine).open();
             Endpoint<String> client = Udp.endpoint(Codecs.utf8()).bind(loopback).connect(server.localAddress())
                     .mode(DeliveryMode.RELIABLE).protocol(engine).impairments(link).open()) {
            out.println("server  udp " + Addresses.format(server.localAddress()) + ", RELIABLE");
            out.println("client  udp " + Addresses.format(client.localAddress()) + ", RELIABLE");
            out.println("link    the client's traffic, both ways: " + link);
            out.println();
            boolean ok = oneByOne(client, server, out);
            out.println();
            ok &= burst(client, server, out);
            out.println();
            EndpointStats c = client.stats();
            EndpointStats s = server.stats();
            out.printf(Locale.ROOT, "client: datagrams sent %d, retransmissions %d, smoothed RTT %s%n",
                    c.datagramsSent(), c.retransmissions(), StatsReport.rtt(c.smoothedRtt()));
            out.printf(Locale.ROOT, "server: datagrams received %d, duplicates dropped %d, messages delivered %d%n",
                    s.datagramsReceived(), s.duplicatesDropped(), s.messagesDelivered());
            return ok && s.messagesDelivered() == ONE_BY_ONE + BURST;
        }
    }

    /** Each message waits for its acknowledgement: a loss shows as a resend of that message. */
    private static boolean oneByOne(Endpoint<String> client, Endpoint<String> server, PrintWriter out)
            throws Exception {
        out.println("one at a time, each waiting for its acknowledgement:");
        boolean ok = true;
        for (int i = 1; i <= ONE_BY_ONE; i++) {
            long retransmitted = client.stats().retransmissions();
            Instant sentAt = Instant.now();
            long start = System.nanoTime();
            CompletableFuture<Void> sent = client.send(text(i)).toPeer();
            boolean acknowledged = await(List.of(sent));
            double millis = (System.nanoTime() - start) / 1e6;
            long resent = client.stats().retransmissions() - retransmitted;
            boolean received = receive(server, i, 1, ReliableScene::text);
            ok &= acknowledged && received;
            out.println(String.format(Locale.ROOT, "%s  client  %-12s  sent %d time%s  %s", Console.time(sentAt),
                    Console.quote(text(i)), resent + 1, resent == 0 ? ", " : "s,",
                    acknowledged ? String.format(Locale.ROOT, "acknowledged after %6.1f ms", millis)
                            : "NOT acknowledged within " + Durations.format(WAIT))
                    + (received ? "" : "  (the server did NOT receive it)"));
        }
        return ok;
    }

    /** Many messages at once: the server still takes them in order, each once. */
    private static boolean burst(Endpoint<String> client, Endpoint<String> server, PrintWriter out) throws Exception {
        int first = ONE_BY_ONE + 1;
        int last = ONE_BY_ONE + BURST;
        out.println("all at once, without waiting:");
        long retransmitted = client.stats().retransmissions();
        Instant sentAt = Instant.now();
        long start = System.nanoTime();
        List<CompletableFuture<Void>> sends = new ArrayList<>(BURST);
        for (int i = first; i <= last; i++) {
            sends.add(client.send(burstText(i)).toPeer());
        }
        out.println(Console.time(sentAt) + "  client  sent " + BURST + " messages, " + first + " to " + last + ", like "
                + Console.quote(burstText(first)));
        boolean received = receive(server, first, BURST, ReliableScene::burstText);
        out.println(Console.time(Instant.now()) + "  server  " + (received
                ? "received all " + BURST + ", in order, each once"
                : "did NOT receive them all, in order, each once"));
        boolean acknowledged = await(sends);
        long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        out.println(Console.time(Instant.now()) + "  client  " + (acknowledged
                ? "all " + BURST + " acknowledged after " + millis + " ms, "
                        + (client.stats().retransmissions() - retransmitted) + " retransmissions"
                : "not every message was acknowledged within " + Durations.format(WAIT)));
        return received && acknowledged;
    }

    /** Whether the server receives messages {@code first} .. {@code first + count - 1}, in that order, boundedly. */
    private static boolean receive(Endpoint<String> server, int first, int count, IntFunction<String> text) {
        long deadline = System.nanoTime() + WAIT.toNanos();
        for (int i = first; i < first + count; i++) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return false;
            }
            try {
                Message<String> m = server.receive(Duration.ofNanos(left));
                if (!m.payload().equals(text.apply(i))) {
                    return false;
                }
            } catch (ReceiveTimeoutException e) {
                return false;
            }
        }
        return true;
    }

    private static boolean await(List<CompletableFuture<Void>> sends) throws InterruptedException {
        try {
            CompletableFuture.allOf(sends.toArray(CompletableFuture[]::new)).get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
            return true;
        } catch (ExecutionException | TimeoutException e) {
            return false;
        }
    }

    static String text(int n) {
        return "message " + n;
    }

    /** Long enough that the burst fills a few dozen datagrams, so the link loses some of it. */
    static String burstText(int n) {
        return "message " + n + ", packed into a datagram with its neighbours";
    }

    private static String percent(double p) {
        return Math.round(p * 100) + "%";
    }
}
