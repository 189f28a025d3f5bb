package io.github.udpkit.cli;

import io.github.udpkit.api.Codecs;
import io.github.udpkit.api.Endpoint;
import io.github.udpkit.api.UdpException;
import io.github.udpkit.core.Udp;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletionException;

/**
 * {@code udpkit chat --plain HOST:PORT}: chat with a server that relays plain text datagrams, such
 * as the seeds' Python chat server (or {@code udpkit chat-server --plain}). Each line of input goes
 * out as one datagram, UTF-8, no line break; every datagram that arrives is printed as a line,
 * control characters escaped. {@code q} or {@code /quit}, or the end of input, ends it.
 */
public final class PlainChat {

    private PlainChat() {
    }

    /**
     * Runs the chat until {@code q}, {@code /quit} or the end of input.
     *
     * @param server the server, {@code HOST:PORT}
     * @param name if not null, sent first as {@code /nick NAME} (what {@code udpkit chat-server --plain} understands)
     * @param in the lines to send
     * @param out where arriving lines are printed
     * @param err where problems are printed
     * @return the exit code: 0, or 1 if a line could not be sent
     * @throws IllegalArgumentException if {@code server} is not {@code HOST:PORT}
     * @throws CliException if the host cannot be resolved
     */
    public static int run(String server, String name, InputStream in, PrintWriter out, PrintWriter err) {
        InetSocketAddress to = HostPort.parse(server).resolve();
        try (Endpoint<byte[]> endpoint = Endpoints.open(Udp.endpoint(Codecs.bytes()).bind(Endpoints.wildcardFor(to)),
                Endpoints.wildcardFor(to))) {
            endpoint.onMessage(m -> line(out, Console.escape(new String(m.payload(), StandardCharsets.UTF_8))));
            if (name != null) {
                endpoint.send(("/nick " + name).getBytes(StandardCharsets.UTF_8)).to(to).join();
            }
            BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
            for (String line; (line = reader.readLine()) != null; ) {
                if (line.equals("q") || line.equals("/quit")) {
                    break;
                }
                try {
                    endpoint.send(line.getBytes(StandardCharsets.UTF_8)).to(to).join();
                } catch (UdpException | CompletionException e) {
                    line(err, "! not sent: " + (e.getCause() != null ? e.getCause().getMessage() : e.getMessage()));
                    return 1;
                }
            }
            return 0;
        } catch (IOException e) {
            throw new UncheckedIOException("reading standard input", e);
        }
    }

    private static void line(PrintWriter w, String s) {
        synchronized (w) {
            w.println(s);
            w.flush();
        }
    }
}
