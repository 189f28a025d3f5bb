package io.github.udpkit.cli;

import io.github.udpkit.api.Codecs;
import io.github.udpkit.api.DeliveryMode;
import io.github.udpkit.api.Endpoint;
import io.github.udpkit.api.EndpointStats;
import io.github.udpkit.api.Message;
import io.github.udpkit.api.ReceiveTimeoutException;
import io.github.udpkit.core.Durations;
import io.github.udpkit.core.Udp;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The first scene: the seeds' uppercase echo over UDP. A server and a client on loopback; each line
 * the client sends comes back upper-cased, and both sides say what they sent and received, when.
 */
final class UdpEchoScene implements DemoScene {

    static final List<String> LINES = List.of("hello from udpkit", "안녕하세요, udp", "grüße aus köln");
    private static final Duration REPLY_TIMEOUT = Duration.ofSeconds(2);

    @Override
    public String title() {
        return "uppercase echo over UDP (RAW datagrams, as the Python socket tutorials)";
    }

    @Override
    public boolean play(PrintWriter out) throws Exception {
        InetSocketAddress loopback = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
        // The server's thread queues what it saw (two lines per echo); the client prints them after
        // its own "sent" line and before the reply, so the lines come out in the order things happened.
        LinkedBlockingQueue<String> serverLines = new LinkedBlockingQueue<>();
        EchoObserver observer = new EchoObserver() {
            @Override
            public void echoed(String protocol, InetSocketAddress peer, byte[] received, Instant receivedAt,
                               byte[] replied, Instant repliedAt) {
                serverLines.add(line(receivedAt, "server", "<-", peer, received));
                serverLines.add(line(repliedAt, "server", "->", peer, replied));
            }

            @Override
            public void dropped(String protocol, InetSocketAddress peer, String why) {
                serverLines.add(Console.time(Instant.now()) + "  server dropped a datagram from "
                        + Addresses.format(peer) + ": " + why);
            }
        };
        boolean ok = true;
        UdpEchoServer server = UdpEchoServer.open(loopback, true, observer);
        Thread serving = new Thread(server::serve, "udpkit-demo-server");
        serving.setDaemon(true);
        serving.start();
        try (Endpoint<String> client = Udp.endpoint(Codecs.utf8()).bind(loopback).connect(server.localAddress())
                .mode(DeliveryMode.RAW).open()) {
            out.println("server listening on udp " + Addresses.format(server.localAddress()) + ", upper-casing");
            out.println("client bound to udp " + Addresses.format(client.localAddress()));
            out.println();
            for (String text : LINES) {
                ok &= exchange(client, server.localAddress(), text, serverLines, out);
            }
            EndpointStats c = client.stats();
            out.printf("client: %d datagrams sent (%d bytes), %d received (%d bytes)%n",
                    c.datagramsSent(), c.bytesSent(), c.datagramsReceived(), c.bytesReceived());
        } finally {
            server.close();
            serving.join(REPLY_TIMEOUT.toMillis());
        }
        EndpointStats s = server.stats();
        out.printf("server: %d datagrams received (%d bytes), %d echoed, %d dropped%n",
                s.datagramsReceived(), s.bytesReceived(), server.echoed(), server.dropped());
        return ok;
    }

    /** Sends one line, waits for its reply, prints both sides. */
    private static boolean exchange(Endpoint<String> client, InetSocketAddress server, String text,
                                    LinkedBlockingQueue<String> serverLines, PrintWriter out) throws Exception {
        Instant sentAt = Instant.now();
        long start = System.nanoTime();
        client.send(text).toPeer().get(REPLY_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        out.println(line(sentAt, "client", "->", server, bytes(text)));
        Message<String> reply;
        try {
            reply = client.receive(REPLY_TIMEOUT);
        } catch (ReceiveTimeoutException e) {
            drain(serverLines, out);
            out.println("client got no reply within " + Durations.format(REPLY_TIMEOUT));
            out.println();
            return false;
        }
        long micros = TimeUnit.NANOSECONDS.toMicros(System.nanoTime() - start);
        // The server reports an echo just after sending it, so its lines may trail the reply a little.
        for (int i = 0; i < 2; i++) {
            String serverLine = serverLines.poll(REPLY_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            if (serverLine != null) {
                out.println(serverLine);
            }
        }
        out.println(line(reply.receivedAt(), "client", "<-", reply.sender(), bytes(reply.payload()))
                + String.format(Locale.ROOT, "  round trip %.3f ms", micros / 1000.0));
        boolean expected = reply.payload().equals(Uppercase.of(text));
        if (!expected) {
            out.println("expected " + Console.quote(Uppercase.of(text)));
        }
        out.println();
        return expected;
    }

    private static void drain(LinkedBlockingQueue<String> lines, PrintWriter out) {
        for (String l = lines.poll(); l != null; l = lines.poll()) {
            out.println(l);
        }
    }

    /** {@code 12:00:00.001  client  sent to        server 127.0.0.1:40000  "hello" (5 bytes)}. */
    private static String line(Instant at, String side, String arrow, InetSocketAddress other, byte[] payload) {
        String otherSide = side.equals("client") ? "server" : "client";
        return String.format(Locale.ROOT, "%s  %-6s  %-13s  %-23s  %s (%d bytes)", Console.time(at), side,
                arrow.equals("->") ? "sent to" : "received from", otherSide + " " + Addresses.format(other),
                Console.quote(new String(payload, StandardCharsets.UTF_8)), payload.length);
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
