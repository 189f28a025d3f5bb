package io.github.udpkit.benchkit;

import static com.google.common.base.Preconditions.checkArgument;

import io.github.udpkit.api.Batch;
import io.github.udpkit.api.Codecs;
import io.github.udpkit.api.DeliveryMode;
import io.github.udpkit.api.Endpoint;
import io.github.udpkit.api.EndpointClosedException;
import io.github.udpkit.api.Message;
import io.github.udpkit.api.ReceiveTimeoutException;
import io.github.udpkit.core.EndpointBuilder;
import io.github.udpkit.core.Udp;
import io.github.udpkit.core.dtls.CertificateBuilder;
import io.github.udpkit.core.protocol.EngineConfig;
import io.github.udpkit.core.dtls.DtlsConfig;
import io.github.udpkit.core.dtls.GeneratedCertificate;
import io.github.udpkit.core.security.Key;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * udpkit's endpoints as an application uses them: {@code Udp.endpoint(Codecs.bytes())}, a send per
 * message from the application's thread, received messages handed to an {@code onMessage} handler
 * on the endpoint's I/O thread (throughput).
 *
 * <p>How the endpoints' I/O threads wait is the row's {@link Scenario.Wait}: {@code ADAPTIVE} is
 * the builder's default (after recent traffic the I/O thread polls for up to
 * {@link EndpointBuilder#DEFAULT_IDLE_SPIN}, adapting to the gaps, then sleeps in the selector),
 * {@code BLOCKING} is {@code idleSpin(Duration.ZERO)} (it sleeps as soon as it is idle, as the
 * baseline's threads block in {@code receive}), {@code BUSY_SPIN} is {@code busySpin()}. The
 * throughput rows run on the default; a RAW row that blocks at once names the default RAW row as
 * its reference, so the run says how much of RAW's rate the idle spin buys.
 *
 * <p>Round trips come in two forms. The event-driven one is the fair match of the baseline, where
 * each side has one thread that wakes once per datagram: the ping-pong runs in the endpoints'
 * handlers (the client's handler records the round trip and sends the next ping from its I/O
 * thread), and the benchmark's thread only waits for the round to end. The {@code receive()} one
 * is how an application with a thread of its own uses udpkit: that thread blocks in
 * {@code receive}, so each echo costs one more hand-off, from the I/O thread through the inbox.
 * In busy-spin mode the endpoints are built {@code busySpin()}, so their I/O threads spin on the
 * sockets; any other thread still blocks: two threads spin, as in the raw and TCP rows, where a
 * third would starve one of them on two cores. In adaptive mode too only the I/O threads poll:
 * a client thread in {@code receive()} blocks on the inbox.
 *
 * <p>The framed modes run on the engine's defaults, except that messages too large to travel
 * whole in its default 1,200-byte datagrams get datagrams of {@link Scenarios#LAN_DATAGRAM_BYTES}
 * (see {@link Scenarios#engineConfig}). A throughput row may add encryption ({@link Protection}),
 * and changes nothing else, so its ratio to the plain row of its mode is what encryption costs.
 */
final class UdpkitScenarios {

    private static final Duration ECHO_TIMEOUT = Duration.ofNanos(Loopback.ECHO_TIMEOUT_NANOS);

    private UdpkitScenarios() {
    }

    /**
     * What a throughput row adds to its mode: nothing, or encryption under a random key that both
     * endpoints share, generated when the row opens. An encrypted row names the plain row of its
     * mode as its reference, so the run reports what encryption costs.
     */
    enum Protection {
        /** Datagrams as the mode sends them. */
        PLAIN("", ""),
        /** {@code encryption(key)}: AES-256-GCM under per-session, per-direction keys derived with HKDF. */
        AES_GCM("-aead", ", AES-GCM"),
        /** {@code dtls(config)}: each datagram in a DTLS 1.2 record (ECDHE, AES-128-GCM), a handshake first. */
        DTLS("-dtls", ", DTLS");

        private final String keySuffix;
        private final String labelSuffix;

        Protection(String keySuffix, String labelSuffix) {
            this.keySuffix = keySuffix;
            this.labelSuffix = labelSuffix;
        }

        /**
         * What one stream's pair of endpoints is secured with, made when the row opens: a new key,
         * or a new certificate that the receiver serves and the sender trusts.
         */
        Secrets newSecrets(int maxDatagramBytes) {
            return switch (this) {
                case PLAIN -> Secrets.NONE;
                case AES_GCM -> new Secrets(Key.generate(), null, null);
                case DTLS -> {
                    GeneratedCertificate cert = CertificateBuilder.forName("localhost").build();
                    // The records hold the engine's datagrams of the plain row whole: the same
                    // messages per datagram, 37 bytes more per datagram on the wire.
                    int recordBytes = maxDatagramBytes + 37;
                    yield new Secrets(null,
                            DtlsConfig.server().certificate(List.of(cert.certificate()), cert.privateKey())
                                    .maxDatagramSize(recordBytes).build(),
                            DtlsConfig.client().trust(List.of(cert.certificate())).serverName("localhost")
                                    .maxDatagramSize(recordBytes).build());
                }
            };
        }
    }

    /** A pair's security: a shared key, or the DTLS settings of its receiver (server) and sender (client). */
    private record Secrets(Key key, DtlsConfig receiver, DtlsConfig sender) {
        static final Secrets NONE = new Secrets(null, null, null);
    }

    static String key(DeliveryMode mode) {
        return "udpkit-" + mode.name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    static String label(DeliveryMode mode) {
        return "udpkit " + mode.name();
    }

    /** The throughput row of a mode on the endpoints' defaults: plain, waiting adaptively. */
    static Scenario throughput(DeliveryMode mode, int payloadBytes) {
        return throughput(mode, payloadBytes, Protection.PLAIN);
    }

    /** The throughput row of a mode with the given protection, on the default (adaptive) wait. */
    static Scenario throughput(DeliveryMode mode, int payloadBytes, Protection protection) {
        return throughput(mode, payloadBytes, protection, Scenario.Wait.ADAPTIVE);
    }

    /**
     * A throughput row. It names as its reference the row it differs from in one respect: a row
     * whose wait is not the default names the row of the same protection on the default wait; an
     * encrypted row on the default wait names the plain one. Rows on the default keep the ids they
     * had before the wait was part of the row ({@code udpkit-raw.throughput.64}); the others add
     * the wait to the key ({@code udpkit-raw-blocking.throughput.64}) and the builder call to the
     * mode ({@code udpkit RAW, idleSpin(0)}).
     */
    static Scenario throughput(DeliveryMode mode, int payloadBytes, Protection protection, Scenario.Wait wait) {
        checkArgument(protection == Protection.PLAIN || mode.isFramed(),
                "%s has no frames to encrypt: encryption needs a framed mode", mode);
        boolean defaultWait = wait == Scenario.Wait.ADAPTIVE;
        String key = key(mode) + protection.keySuffix;
        Scenario s = Scenario.throughput(defaultWait ? key : key + "-" + wait.label(),
                label(mode) + protection.labelSuffix + (defaultWait ? "" : ", " + builderCall(wait)),
                wait, payloadBytes, counter -> new Stream(mode, wait, payloadBytes, Scenarios.engineConfig(payloadBytes),
                        protection, counter));
        if (mode.isFramed()) {
            s = s.withMaxDatagramBytes(Scenarios.engineConfig(payloadBytes).maxDatagramSize());
        }
        if (!defaultWait) {
            s = s.withReference(key);
        } else if (protection != Protection.PLAIN) {
            s = s.withReference(key(mode));
        }
        return mode.isReliable() ? s.asLossless() : s;
    }

    /**
     * The throughput row of a framed mode with path MTU discovery on ({@link Scenarios#pathMtuConfig()}):
     * on loopback the search climbs from 1,200 bytes to the largest UDP payload, and messages are
     * packed into datagrams that large. It names the row of the same mode on the size's usual
     * settings as its reference, so the run says what the larger datagrams buy; the mean size of
     * the datagrams sent is in the report ({@code datagramBytes}).
     */
    static Scenario pathMtuThroughput(DeliveryMode mode, int payloadBytes) {
        checkArgument(mode.isFramed(), "%s sends no frames to pack: path MTU discovery needs a framed mode", mode);
        EngineConfig config = Scenarios.pathMtuConfig();
        Scenario s = Scenario.throughput(key(mode) + "-pmtu", label(mode) + ", path MTU", Scenario.Wait.ADAPTIVE,
                payloadBytes, counter -> new Stream(mode, Scenario.Wait.ADAPTIVE, payloadBytes, config,
                        Protection.PLAIN, counter))
                .withMaxDatagramBytes(config.maxDatagramSize())
                .withReference(key(mode));
        return mode.isReliable() ? s.asLossless() : s;
    }

    /** Messages per {@code Endpoint.batch()} in the batch rows. */
    static final int BATCH_MESSAGES = 64;

    /**
     * Sends stamped messages in {@code Endpoint.batch()}es of {@value #BATCH_MESSAGES}, the last
     * one perhaps shorter: a batch copies each message as it is added, so one array serves them all.
     *
     * @return how many messages were sent
     */
    static long sendInBatches(Endpoint<byte[]> sender, DeliveryMode mode, InetSocketAddress target, int payloadBytes,
            int round, long deadlineNanos, long maxMessages) throws Exception {
        byte[] message = new byte[payloadBytes];
        var filling = new Object() {
            Batch<byte[]> batch = sender.batch().mode(mode);
        };
        long sent = OneWay.sendSequence(sequence -> {
            Stamp.put(message, round, sequence);
            filling.batch.add(message);
            if (filling.batch.size() == BATCH_MESSAGES) {
                filling.batch.to(target);
                filling.batch = sender.batch().mode(mode);
            }
            return true;
        }, deadlineNanos, maxMessages);
        if (filling.batch.size() > 0) {
            filling.batch.to(target);
        }
        return sent;
    }

    /**
     * A throughput row that sends with {@code Endpoint.batch()}, {@value #BATCH_MESSAGES} messages
     * a call, on the default wait and settings; it names the row of its mode that sends one by one
     * as its reference. The batch encodes each message into its own array, so the framed modes need
     * no copy of each message, as the one-by-one row does.
     */
    static Scenario batchThroughput(DeliveryMode mode, int payloadBytes) {
        Scenario s = Scenario.throughput(key(mode) + "-batch", label(mode) + ", batch", Scenario.Wait.ADAPTIVE,
                payloadBytes, counter -> new Stream(mode, Scenario.Wait.ADAPTIVE, payloadBytes,
                        Scenarios.engineConfig(payloadBytes), Protection.PLAIN, counter, true));
        if (mode.isFramed()) {
            s = s.withMaxDatagramBytes(Scenarios.engineConfig(payloadBytes).maxDatagramSize());
        }
        s = s.withReference(key(mode));
        return mode.isReliable() ? s.asLossless() : s;
    }

    /**
     * The RAW batch row toward a plain receiver: a udpkit RAW endpoint sends with
     * {@code Endpoint.batch()}, {@value #BATCH_MESSAGES} messages a call (on the batched transport,
     * one {@code sendmmsg} whose equal-sized runs are GSO messages), and the baseline's receiver, a
     * blocking {@code DatagramChannel} reading one datagram a system call, counts them. It names
     * the batch row toward a udpkit receiver (recvmmsg with GRO there) as its reference, so the run
     * shows what the plain receiver costs.
     */
    static Scenario rawBatchToPlainThroughput(int payloadBytes) {
        return Scenario.throughput(key(DeliveryMode.RAW) + "-batch-plain", label(DeliveryMode.RAW) + ", batch to DatagramChannel",
                Scenario.Wait.ADAPTIVE, payloadBytes, counter -> new BatchToPlain(payloadBytes, counter))
                .withReference(key(DeliveryMode.RAW) + "-batch");
    }

    /** How the endpoints of a row that waits so are built, as the table's mode column says it. */
    static String builderCall(Scenario.Wait wait) {
        return switch (wait) {
            case BLOCKING -> "idleSpin(0)";
            case ADAPTIVE -> "defaults";
            case BUSY_SPIN -> "busySpin()";
        };
    }

    /** The event-driven round trip: ping and echo both answered in the endpoints' handlers. */
    static Scenario roundTrip(DeliveryMode mode, Scenario.Wait wait, int payloadBytes) {
        Scenario s = Scenario.roundTrip(key(mode), label(mode), wait, payloadBytes,
                () -> new HandlerPing(mode, wait, payloadBytes));
        return mode.isFramed() ? s.withMaxDatagramBytes(Scenarios.engineConfig(payloadBytes).maxDatagramSize()) : s;
    }

    /** The round trip of a client whose own thread blocks in {@code receive()} for each echo. */
    static Scenario roundTripReceive(DeliveryMode mode, Scenario.Wait wait, int payloadBytes) {
        Scenario s = Scenario.roundTrip(key(mode) + "-receive", label(mode) + ", receive()", wait, payloadBytes,
                () -> new ReceivePing(mode, wait, payloadBytes));
        return mode.isFramed() ? s.withMaxDatagramBytes(Scenarios.engineConfig(payloadBytes).maxDatagramSize()) : s;
    }

    /** Opens an endpoint; {@code key} or {@code dtls}, if not null, secures its datagrams. */
    private static Endpoint<byte[]> open(DeliveryMode mode, Scenario.Wait wait, EngineConfig config, Key key,
                                         DtlsConfig dtls) {
        EndpointBuilder<byte[]> builder = Udp.endpoint(Codecs.bytes())
                .bind(Loopback.anyPort())
                .mode(mode)
                .receiveBufferSize(Loopback.SOCKET_BUFFER_BYTES)
                .sendBufferSize(Loopback.SOCKET_BUFFER_BYTES);
        if (mode.isFramed()) {
            builder.protocol(config);
        }
        if (key != null) {
            builder.encryption(key);
        }
        if (dtls != null) {
            builder.dtls(dtls);
        }
        switch (wait) {
            case BLOCKING -> builder.idleSpin(Duration.ZERO); // sleep in the selector at once, as the baseline blocks
            case ADAPTIVE -> { } // the default idle spin: what an application gets unless it says otherwise
            case BUSY_SPIN -> builder.busySpin();
        }
        return builder.open();
    }

    /** Opens a pair of endpoints sharing a key (or none), closing the first if the second cannot open. */
    private static List<Endpoint<byte[]>> openPair(DeliveryMode mode, Scenario.Wait wait, EngineConfig config,
                                                   Secrets secrets) throws IOException {
        Endpoint<byte[]> first = null;
        try {
            first = open(mode, wait, config, secrets.key(), secrets.receiver());
            return List.of(first, open(mode, wait, config, secrets.key(), secrets.sender()));
        } catch (RuntimeException e) {
            Loopback.closeAll(first);
            throw e;
        }
    }

    /** A sending endpoint used from the benchmark's thread, a receiving endpoint counting in its handler. */
    private static final class Stream implements OneWay.FromEndpoint {
        private final DeliveryMode mode;
        private final int payloadBytes;
        private final Endpoint<byte[]> receiver;
        private final Endpoint<byte[]> sender;
        private final InetSocketAddress target;
        /** Whether it sends {@link #BATCH_MESSAGES} at a time with {@code batch()}, else one by one. */
        private final boolean batched;

        Stream(DeliveryMode mode, Scenario.Wait wait, int payloadBytes, EngineConfig config, Protection protection,
               SequenceCounter counter) throws Exception {
            this(mode, wait, payloadBytes, config, protection, counter, false);
        }

        Stream(DeliveryMode mode, Scenario.Wait wait, int payloadBytes, EngineConfig config, Protection protection,
               SequenceCounter counter, boolean batched) throws Exception {
            this.mode = mode;
            this.batched = batched;
            this.payloadBytes = payloadBytes;
            List<Endpoint<byte[]>> pair = openPair(mode, wait, config, protection.newSecrets(config.maxDatagramSize()));
            this.receiver = pair.get(0);
            this.sender = pair.get(1);
            this.target = receiver.localAddress();
            receiver.onMessage(message -> counter.accept(message.payload()));
        }

        @Override
        public long sendUntil(int round, long deadlineNanos, long maxMessages) throws Exception {
            if (batched) {
                return sendBatches(round, deadlineNanos, maxMessages);
            }
            // RAW hands the bytes to the socket before send() returns, so the message array may be
            // reused; the framed modes may hold on to it until it is acknowledged, so each send gets its own.
            boolean reuse = mode == DeliveryMode.RAW;
            return OneWay.sendEach(message -> sender.send(reuse ? message : message.clone()).to(target),
                    payloadBytes, round, deadlineNanos, maxMessages);
        }

        private long sendBatches(int round, long deadlineNanos, long maxMessages) throws Exception {
            return sendInBatches(sender, mode, target, payloadBytes, round, deadlineNanos, maxMessages);
        }

        @Override
        public Endpoint<?> sendingEndpoint() {
            return sender;
        }

        @Override
        public void close() throws IOException {
            Loopback.closeAll(sender, receiver);
        }
    }

    /** A RAW endpoint sending batches from the benchmark's thread, a plain blocking channel receiving on its own. */
    private static final class BatchToPlain implements OneWay.FromEndpoint {
        private final int payloadBytes;
        private final Endpoint<byte[]> sender;
        private final DatagramChannel receiver;
        private final InetSocketAddress target;
        private final Worker reader;

        BatchToPlain(int payloadBytes, SequenceCounter counter) throws Exception {
            this.payloadBytes = payloadBytes;
            DatagramChannel r = Loopback.datagramChannel(true);
            try {
                this.sender = open(DeliveryMode.RAW, Scenario.Wait.ADAPTIVE, Scenarios.engineConfig(payloadBytes), null, null);
            } catch (RuntimeException e) {
                Loopback.closeAll(r);
                throw e;
            }
            this.receiver = r;
            this.target = (InetSocketAddress) receiver.getLocalAddress();
            this.reader = Worker.start("bench-plain-receiver", () -> {
                ByteBuffer buffer = ByteBuffer.allocateDirect(1 << 16);
                while (true) {
                    buffer.clear();
                    r.receive(buffer);
                    buffer.flip();
                    counter.accept(buffer);
                }
            });
        }

        @Override
        public long sendUntil(int round, long deadlineNanos, long maxMessages) throws Exception {
            long sent = sendInBatches(sender, DeliveryMode.RAW, target, payloadBytes, round, deadlineNanos, maxMessages);
            reader.check();
            return sent;
        }

        @Override
        public Endpoint<?> sendingEndpoint() {
            return sender;
        }

        @Override
        public void close() throws IOException {
            Loopback.closeAll(sender, receiver);
            reader.join();
        }
    }

    /**
     * A client endpoint whose application thread blocks in {@code receive} for each echo, and an
     * echo endpoint that answers from its handler.
     */
    private static final class ReceivePing implements RoundTrip {
        private final DeliveryMode mode;
        private final Endpoint<byte[]> client;
        private final Endpoint<byte[]> server;
        private final InetSocketAddress serverAddress;
        private final byte[] message;

        ReceivePing(DeliveryMode mode, Scenario.Wait wait, int payloadBytes) throws Exception {
            this.mode = mode;
            List<Endpoint<byte[]>> pair = openPair(mode, wait, Scenarios.engineConfig(payloadBytes), Secrets.NONE);
            this.client = pair.get(0);
            this.server = pair.get(1);
            this.serverAddress = server.localAddress();
            this.message = new byte[payloadBytes];
            echoFromHandler(server);
        }

        @Override
        public boolean ping(long sequence) {
            Stamp.put(message, 0, sequence);
            client.send(mode == DeliveryMode.RAW ? message : message.clone()).to(serverAddress);
            long start = System.nanoTime();
            while (true) {
                long left = Loopback.ECHO_TIMEOUT_NANOS - (System.nanoTime() - start);
                Message<byte[]> echo;
                try {
                    echo = client.receive(left > 0 ? Duration.ofNanos(left) : Duration.ZERO);
                } catch (ReceiveTimeoutException e) {
                    return false;
                } catch (EndpointClosedException e) {
                    throw new IllegalStateException("client endpoint closed while waiting for an echo of "
                            + ECHO_TIMEOUT.toMillis() + " ms at most", e);
                }
                byte[] payload = echo.payload();
                if (payload.length >= Stamp.LENGTH && Stamp.sequence(payload) == sequence) {
                    return true;
                }
            }
        }

        @Override
        public Optional<String> transport() {
            return Optional.of(client.transport());
        }

        @Override
        public void close() throws IOException {
            Loopback.closeAll(client, server);
        }
    }

    private static void echoFromHandler(Endpoint<byte[]> server) {
        server.onMessage(m -> server.send(m.payload()).to(m.sender()));
    }

    /**
     * The event-driven pair: the client's handler, on its I/O thread, takes each echo, records the
     * round trip and sends the next ping; the echo endpoint answers from its handler. Each side
     * wakes once per datagram, as the baseline's threads do. The benchmark's thread starts a round
     * with the first ping and then only waits; it stands in for a lost echo after
     * {@link Loopback#ECHO_TIMEOUT_NANOS} by counting the ping lost and sending the next one.
     */
    private static final class HandlerPing implements RoundTrip {
        private final DeliveryMode mode;
        private final int payloadBytes;
        private final Endpoint<byte[]> client;
        private final Endpoint<byte[]> server;
        private final InetSocketAddress serverAddress;
        /** The round under way; null between rounds. */
        private volatile Round round;

        HandlerPing(DeliveryMode mode, Scenario.Wait wait, int payloadBytes) throws Exception {
            this.mode = mode;
            this.payloadBytes = payloadBytes;
            List<Endpoint<byte[]>> pair = openPair(mode, wait, Scenarios.engineConfig(payloadBytes), Secrets.NONE);
            this.client = pair.get(0);
            this.server = pair.get(1);
            this.serverAddress = server.localAddress();
            echoFromHandler(server);
            client.onMessage(this::onEcho);
        }

        /** One round's state, guarded by its own lock: the client's I/O thread and the benchmark's thread share it. */
        private static final class Round {
            final long[] samples;
            final long deadline;
            int count;
            long lost;
            long expected;
            long sentAt;
            boolean finished;

            Round(long[] samples, long deadline, long first) {
                this.samples = samples;
                this.deadline = deadline;
                this.expected = first;
            }
        }

        @Override
        public boolean ping(long sequence) throws Exception {
            long[] one = new long[1];
            return pingUntil(sequence, System.nanoTime(), one).samples() == 1;
        }

        @Override
        public Tally pingUntil(long firstSequence, long deadlineNanos, long[] samples) throws Exception {
            if (samples.length == 0) {
                return new Tally(0, 0);
            }
            Round r = new Round(samples, deadlineNanos, firstSequence);
            synchronized (r) {
                r.sentAt = System.nanoTime();
            }
            round = r;
            try {
                // Sent without the lock held, so the echo's handler never waits for this thread.
                send(firstSequence);
                synchronized (r) {
                    while (!r.finished) {
                        if (!client.isOpen()) {
                            throw new IllegalStateException("client endpoint closed during a round");
                        }
                        long now = System.nanoTime();
                        long waited = now - r.sentAt;
                        if (waited >= Loopback.ECHO_TIMEOUT_NANOS) {
                            r.lost++; // its echo, if it ever comes, no longer matches
                            if (now - r.deadline >= 0) {
                                r.finished = true;
                                break;
                            }
                            r.expected++;
                            r.sentAt = now;
                            send(r.expected);
                            continue;
                        }
                        long waitMillis = Math.max(1, (Loopback.ECHO_TIMEOUT_NANOS - waited) / 1_000_000);
                        r.wait(waitMillis);
                    }
                    return new Tally(r.count, r.lost);
                }
            } finally {
                round = null;
            }
        }

        /** On the client's I/O thread: one echo. */
        private void onEcho(Message<byte[]> echo) {
            long now = System.nanoTime();
            Round r = round;
            byte[] payload = echo.payload();
            if (r == null || payload.length < Stamp.LENGTH) {
                return;
            }
            long next;
            synchronized (r) {
                if (r.finished || Stamp.sequence(payload) != r.expected) {
                    return; // late: an echo of a ping already counted lost
                }
                r.samples[r.count++] = now - r.sentAt;
                if (r.count == r.samples.length || now - r.deadline >= 0) {
                    r.finished = true;
                    r.notifyAll();
                    return;
                }
                next = ++r.expected;
                r.sentAt = System.nanoTime();
            }
            send(next);
        }

        private void send(long sequence) {
            byte[] message = new byte[payloadBytes];
            Stamp.put(message, 0, sequence);
            client.send(message).to(serverAddress);
        }

        @Override
        public Optional<String> transport() {
            return Optional.of(client.transport());
        }

        @Override
        public void close() throws IOException {
            Loopback.closeAll(client, server);
        }
    }
}
