package io.github.udpkit.cli;

import io.github.udpkit.api.Endpoint;
import io.github.udpkit.api.Message;
import io.github.udpkit.api.ReceiveTimeoutException;
import io.github.udpkit.core.Durations;
import io.github.udpkit.core.EndpointBuilder;
import io.github.udpkit.core.Udp;
import io.github.udpkit.core.protocol.EngineConfig;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
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
 * {@code udpkit client}: the seeds' interactive client, over UDP or TCP: reads a line, sends it, prints
 * the reply; {@code q} or the end of input quits.
 */
@Command(name = "client", sortOptions = false,
        description = {
            "Interactive client, as in the classic socket tutorials: reads a line (prompting '->' on a "
                    + "terminal), sends it, prints the reply. 'q' or the end of input quits.",
            "A reply that does not come in time is reported and the client goes on.",
        })
final class ClientCommand implements Callable<Integer> {

    private static final long SEND_WAIT_SECONDS = 5;

    @Spec
    private CommandSpec spec;

    @ParentCommand
    private UdpkitCommand root;

    @Parameters(index = "0", paramLabel = "HOST:PORT", converter = Converters.HostPortConverter.class,
            description = "The server, e.g. localhost:12000 or [::1]:12000.")
    private HostPort target;

    @Option(names = {"-t", "--tcp"}, description = "Connect over TCP instead of UDP.")
    private boolean tcp;

    @Option(names = {"-r", "--reply-timeout"}, paramLabel = "DURATION", defaultValue = "5s",
            converter = DurationConverter.class,
            description = "How long to wait for each reply, and for a TCP connection (default: ${DEFAULT-VALUE}).")
    private Duration replyTimeout;

    @Mixin
    private TransportOptions transport;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        transport.resolve(tcp);
        InetSocketAddress server = target.resolve();
        LineReader lines = new LineReader(root.stdin(), SendCommand.MAX_LINE);
        try (Session session = tcp ? TcpSession.connect(server, replyTimeout)
                : new UdpSession(server, transport.asClientOf(target.host()), replyTimeout)) {
            if (root.verbosity() > 0) {
                err.println("connected to " + (tcp ? "tcp " : "udp ") + Addresses.format(server)
                        + " from " + Addresses.format(session.localAddress())
                        + (tcp ? "" : " (" + transport.describe() + ")"));
            }
            try {
                return converse(session, lines, server, out, err);
            } finally {
                if (session instanceof UdpSession udp) {
                    transport.printStats(err, udp.endpoint.stats(), true, "");
                }
            }
        }
    }

    private int converse(Session session, LineReader lines, InetSocketAddress server, PrintWriter out,
                         PrintWriter err) throws Exception {
        while (true) {
            if (root.interactive()) {
                out.print("->");
                out.flush();
            }
            String line = lines.readLine();
            if (line == null || line.equals("q")) {
                break;
            }
            Optional<String> reply;
            try {
                reply = session.exchange(line, replyTimeout);
            } catch (ServerClosedException e) {
                err.println("udpkit: " + e.getMessage());
                err.flush();
                return ErrorReporter.FAILURE;
            }
            if (reply.isPresent()) {
                out.println(reply.get());
            } else {
                err.println("(no reply from " + Addresses.format(server) + " within "
                        + Durations.format(replyTimeout) + ")");
            }
            out.flush();
            err.flush();
        }
        return 0;
    }

    /** One conversation with the server. */
    private interface Session extends AutoCloseable {
        InetSocketAddress localAddress();

        /**
         * Sends a line and waits for the reply.
         *
         * @return the reply, or empty if none came in time
         */
        Optional<String> exchange(String line, Duration timeout) throws Exception;

        @Override
        void close() throws IOException;
    }

    /** The server closed a TCP connection. */
    private static final class ServerClosedException extends IOException {
        private static final long serialVersionUID = 1L;

        ServerClosedException(String message) {
            super(message);
        }
    }

    /**
     * UDP: one message out, the next message in is the reply (as the seeds' recvfrom). In a reliable
     * mode a line the server does not acknowledge within the reply timeout is given up on, so
     * unanswered lines do not pile up.
     */
    private static final class UdpSession implements Session {
        private final Endpoint<String> endpoint;

        UdpSession(InetSocketAddress server, TransportOptions transport, Duration replyTimeout) {
            EndpointBuilder<String> builder = transport.configure(Udp.endpoint(transport.textCodec()))
                    .bind(Endpoints.wildcardFor(server))
                    .connect(server);
            if (transport.mode().isReliable()) {
                // Replies acknowledged at once, so the last is acknowledged before the client quits.
                builder.protocol(EngineConfig.builder().deliveryDeadline(replyTimeout).ackDelay(Duration.ZERO).build())
                        .sendTimeout(replyTimeout);
            }
            this.endpoint = builder.open();
        }

        @Override
        public InetSocketAddress localAddress() {
            return endpoint.localAddress();
        }

        @Override
        public Optional<String> exchange(String line, Duration timeout) throws Exception {
            // A reply that came after its wait ended belongs to an earlier line: drop it.
            while (endpoint.poll().isPresent()) {
                continue;
            }
            CompletableFuture<Void> sent = endpoint.send(line).toPeer();
            if (!endpoint.mode().isReliable()) {
                // Handed to the socket at once; a reliable send completes on its acknowledgement,
                // which the reply below stands for.
                sent.get(SEND_WAIT_SECONDS, TimeUnit.SECONDS);
            }
            try {
                Message<String> reply = endpoint.receive(timeout);
                return Optional.of(reply.payload());
            } catch (ReceiveTimeoutException e) {
                return Optional.empty();
            }
        }

        @Override
        public void close() {
            endpoint.close();
        }
    }

    /**
     * TCP: the line's bytes out (no end of line, as the seeds' client), then what the server sends
     * back: the first read waits up to the timeout, then whatever else has already arrived is taken too.
     */
    private static final class TcpSession implements Session {
        private final Socket socket;
        private final InputStream in;
        private final OutputStream out;
        private final byte[] buffer = new byte[TcpEchoServer.CHUNK];
        private final CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPLACE)
                .onUnmappableCharacter(CodingErrorAction.REPLACE);
        private final ByteBuffer pending = ByteBuffer.allocate(TcpEchoServer.CHUNK * 2);
        private final CharBuffer chars = CharBuffer.allocate(TcpEchoServer.CHUNK * 2);

        private TcpSession(Socket socket) throws IOException {
            this.socket = socket;
            this.in = socket.getInputStream();
            this.out = socket.getOutputStream();
        }

        static TcpSession connect(InetSocketAddress server, Duration timeout) {
            Socket socket = new Socket();
            try {
                socket.setTcpNoDelay(true);
                socket.connect(server, (int) Math.min(Integer.MAX_VALUE, timeout.toMillis()));
                return new TcpSession(socket);
            } catch (IOException e) {
                try {
                    socket.close();
                } catch (IOException suppressed) {
                    e.addSuppressed(suppressed);
                }
                throw new CliException("cannot connect to tcp " + Addresses.format(server) + ": " + e.getMessage(), e);
            }
        }

        @Override
        public InetSocketAddress localAddress() {
            return (InetSocketAddress) socket.getLocalSocketAddress();
        }

        @Override
        public Optional<String> exchange(String line, Duration timeout) throws IOException {
            byte[] bytes = line.getBytes(StandardCharsets.UTF_8);
            if (bytes.length == 0) {
                // Nothing goes on the wire for an empty line, so no reply will come.
                return Optional.of("");
            }
            out.write(bytes);
            out.flush();
            socket.setSoTimeout((int) Math.min(Integer.MAX_VALUE, timeout.toMillis()));
            int n;
            try {
                n = in.read(buffer);
            } catch (SocketTimeoutException e) {
                return Optional.empty();
            }
            if (n < 0) {
                throw new ServerClosedException("server " + Addresses.format(
                        (InetSocketAddress) socket.getRemoteSocketAddress()) + " closed the connection");
            }
            StringBuilder reply = new StringBuilder();
            decode(n, reply);
            while (in.available() > 0 && (n = in.read(buffer, 0, Math.min(buffer.length, in.available()))) > 0) {
                decode(n, reply);
            }
            return Optional.of(reply.toString());
        }

        /** Decodes a chunk, keeping an incomplete last character for the next one. */
        private void decode(int n, StringBuilder reply) {
            pending.put(buffer, 0, n).flip();
            chars.clear();
            decoder.decode(pending, chars, false);
            pending.compact();
            reply.append(chars.flip());
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }
}
