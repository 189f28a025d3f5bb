package io.github.udpkit.core.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.udpkit.api.Codecs;
import io.github.udpkit.api.DeliveryMode;
import io.github.udpkit.api.DisconnectReason;
import io.github.udpkit.api.Endpoint;
import io.github.udpkit.api.EndpointListener;
import io.github.udpkit.api.EndpointStats;
import io.github.udpkit.api.testing.Proc;
import io.github.udpkit.core.Addresses;
import io.github.udpkit.core.Udp;
import io.github.udpkit.core.protocol.EngineConfig;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;
import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordingStream;
import jdk.jfr.consumer.RecordingFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Flight Recorder events an operator reads afterwards: a recording around two endpoints that
 * talk over a lossy link and receive garbage, dumped to a file and parsed back.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class FlightEventsTest {

    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final EngineConfig LAN = EngineConfig.builder()
            .initialRto(Duration.ofMillis(50)).minRto(Duration.ofMillis(20)).ackDelay(Duration.ofMillis(2)).build();
    private static final int GARBAGE = 5;

    @TempDir
    Path dir;

    @Test
    void shouldRecordLifecyclePeersDropsByCauseAndARetransmissionBurst() throws Exception {
        Path file = dir.resolve("udpkit.jfr");
        InetSocketAddress serverAddress;
        InetSocketAddress clientAddress;
        EndpointStats serverStats;
        EndpointStats clientStats;
        InetSocketAddress bobAddress;
        CompletableFuture<InetSocketAddress> serverLostPeer = new CompletableFuture<>();
        try (Recording recording = new Recording()) {
            for (String name : List.of(FlightEvents.ENDPOINT_OPENED, FlightEvents.ENDPOINT_CLOSED,
                    FlightEvents.PEER_CONNECTED, FlightEvents.PEER_DISCONNECTED)) {
                recording.enable(name);
            }
            // Periods longer than the test: every drop and retransmission is in the sample taken at close,
            // so the sums below are exact whatever the machine's speed.
            recording.enable(FlightEvents.DROPS).withPeriod(Duration.ofHours(1));
            recording.enable(FlightEvents.RETRANSMISSION_BURST).withPeriod(Duration.ofHours(1));
            recording.start();

            Endpoint<String> server = Udp.endpoint(Codecs.utf8()).bind("127.0.0.1", 0).mode(DeliveryMode.RELIABLE)
                    .protocol(LAN).listener(new EndpointListener() {
                        @Override
                        public void onPeerDisconnected(InetSocketAddress peer, DisconnectReason reason) {
                            if (reason == DisconnectReason.CLOSED_BY_PEER) {
                                serverLostPeer.complete(peer);
                            }
                        }
                    }).open();
            Endpoint<String> client = Udp.endpoint(Codecs.utf8()).bind("127.0.0.1", 0).mode(DeliveryMode.RELIABLE)
                    .protocol(LAN).impairments(Impairments.builder().loss(0.4).seed(11).build()).open();
            // A clean member, whose CLOSE is not lost: the server hears it leave.
            Endpoint<String> bob = Udp.endpoint(Codecs.utf8()).bind("127.0.0.1", 0).mode(DeliveryMode.RELIABLE)
                    .protocol(LAN).open();
            serverAddress = server.localAddress();
            clientAddress = client.localAddress();
            bobAddress = bob.localAddress();
            // One at a time, so that each message is a datagram of its own and each loss a retransmission.
            for (int i = 0; i < 60; i++) {
                client.send("m" + i).to(serverAddress).get(WAIT.toSeconds(), TimeUnit.SECONDS);
            }
            bob.send("hello").to(serverAddress).get(WAIT.toSeconds(), TimeUnit.SECONDS);
            try (DatagramChannel stranger = DatagramChannel.open()) {
                stranger.bind(new InetSocketAddress("127.0.0.1", 0));
                for (int i = 0; i < GARBAGE; i++) {
                    stranger.send(ByteBuffer.wrap("not udpkit".getBytes(StandardCharsets.US_ASCII)), serverAddress);
                }
                awaitTrue(() -> server.stats().malformed() == GARBAGE);
            }
            bob.close();
            assertEquals(bobAddress, serverLostPeer.get(WAIT.toSeconds(), TimeUnit.SECONDS));
            // The lossy client's CLOSE may be lost: the server then drops it when it closes itself.
            client.close();
            server.close();
            serverStats = server.stats();
            clientStats = client.stats();
            recording.stop();
            recording.dump(file);
        }
        assertTrue(clientStats.retransmissions() >= FlightEvents.BURST_THRESHOLD,
                "40 % loss on 60 messages is a burst: " + clientStats);

        List<RecordedEvent> events = RecordingFile.readAllEvents(file);
        String server = Addresses.format(serverAddress);
        String client = Addresses.format(clientAddress);
        String bob = Addresses.format(bobAddress);

        assertEquals(1, count(events, FlightEvents.ENDPOINT_OPENED,
                e -> server.equals(e.getString("localAddress")) && "RELIABLE".equals(e.getString("mode"))));
        assertEquals(1, count(events, FlightEvents.ENDPOINT_OPENED, e -> client.equals(e.getString("localAddress"))));
        assertEquals(1, count(events, FlightEvents.PEER_CONNECTED,
                e -> server.equals(e.getString("localAddress")) && client.equals(e.getString("peerAddress"))));
        assertEquals(1, count(events, FlightEvents.PEER_DISCONNECTED,
                e -> server.equals(e.getString("localAddress")) && bob.equals(e.getString("peerAddress"))
                        && "CLOSED_BY_PEER".equals(e.getString("reason"))));
        assertEquals(1, count(events, FlightEvents.PEER_DISCONNECTED,
                e -> server.equals(e.getString("localAddress")) && client.equals(e.getString("peerAddress"))));
        assertEquals(1, count(events, FlightEvents.PEER_DISCONNECTED,
                e -> client.equals(e.getString("localAddress")) && server.equals(e.getString("peerAddress"))
                        && "CLOSED_LOCALLY".equals(e.getString("reason"))));

        assertEquals(GARBAGE, sum(events, FlightEvents.DROPS, server, "malformed"));
        assertEquals(0, sum(events, FlightEvents.DROPS, client, "malformed"));
        assertEquals(clientStats.retransmissions(), sum(events, FlightEvents.RETRANSMISSION_BURST, client, "retransmissions"));

        RecordedEvent clientClosed = only(events, FlightEvents.ENDPOINT_CLOSED, client);
        assertEquals(clientStats.retransmissions(), clientClosed.getLong("retransmissions"));
        assertEquals(60, clientClosed.getLong("messagesSent"));
        assertEquals(61, only(events, FlightEvents.ENDPOINT_CLOSED, server).getLong("messagesDelivered"), "60 and bob's");
        assertEquals(serverStats.datagramsReceived(),
                only(events, FlightEvents.ENDPOINT_CLOSED, server).getLong("datagramsReceived"));
    }

    @Test
    void shouldWriteNoDropsEventForAnEndpointThatDroppedNothing() throws Exception {
        Path file = dir.resolve("quiet.jfr");
        String local;
        try (Recording recording = new Recording()) {
            recording.enable(FlightEvents.DROPS).withPeriod(Duration.ofHours(1));
            recording.enable(FlightEvents.ENDPOINT_CLOSED);
            recording.start();
            try (Endpoint<String> quiet = Udp.endpoint(Codecs.utf8()).bind("127.0.0.1", 0).open()) {
                local = Addresses.format(quiet.localAddress());
            }
            recording.stop();
            recording.dump(file);
        }
        List<RecordedEvent> events = RecordingFile.readAllEvents(file);
        assertEquals(1, count(events, FlightEvents.ENDPOINT_CLOSED, e -> local.equals(e.getString("localAddress"))),
                "the recording did cover the endpoint's close");
        assertEquals(0, count(events, FlightEvents.DROPS, e -> local.equals(e.getString("localAddress"))));
    }

    @Test
    void shouldReportDropsWhileTheEndpointIsOpenOnceAPeriodHasPassed() throws Exception {
        try (Endpoint<String> server = Udp.endpoint(Codecs.utf8()).bind("127.0.0.1", 0).mode(DeliveryMode.RELIABLE).open();
             RecordingStream stream = new RecordingStream();
             DatagramChannel stranger = DatagramChannel.open()) {
            String local = Addresses.format(server.localAddress());
            CompletableFuture<Long> malformed = new CompletableFuture<>();
            stream.enable(FlightEvents.DROPS).withPeriod(Duration.ofMillis(100));
            stream.onEvent(FlightEvents.DROPS, e -> {
                if (local.equals(e.getString("localAddress"))) {
                    malformed.complete(e.getLong("malformed"));
                }
            });
            stream.startAsync();
            stranger.bind(new InetSocketAddress("127.0.0.1", 0));
            for (int i = 0; i < GARBAGE; i++) {
                stranger.send(ByteBuffer.wrap("not udpkit".getBytes(StandardCharsets.US_ASCII)), server.localAddress());
            }
            long seen = malformed.get(WAIT.toSeconds(), TimeUnit.SECONDS);
            assertTrue(seen >= 1 && seen <= GARBAGE, "the first sample after the garbage counts some of it: " + seen);
            assertTrue(server.isOpen(), "reported by the periodic sample, not at close");
        }
    }

    @Test
    void shouldReportDropsOfAnEndpointOpenedBeforeTheRecorderStarted() throws Exception {
        // A JVM of its own: in this one, an earlier test may have started the recorder already.
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Proc.Result run = Proc.run(WAIT.toSeconds(), "", List.of(java, "-cp", System.getProperty("java.class.path"),
                LateRecording.class.getName()));
        assertEquals(0, run.exitCode(), () -> "stdout: " + run.stdout() + "\nstderr: " + run.stderr());
        assertTrue(run.stdout().contains("Drops event with malformed=1"), run.stdout());
    }

    private static long count(List<RecordedEvent> events, String type, Predicate<RecordedEvent> filter) {
        return events.stream().filter(e -> e.getEventType().getName().equals(type)).filter(filter).count();
    }

    private static long sum(List<RecordedEvent> events, String type, String local, String field) {
        return events.stream().filter(e -> e.getEventType().getName().equals(type))
                .filter(e -> local.equals(e.getString("localAddress"))).mapToLong(e -> e.getLong(field)).sum();
    }

    private static RecordedEvent only(List<RecordedEvent> events, String type, String local) {
        List<RecordedEvent> found = events.stream().filter(e -> e.getEventType().getName().equals(type))
                .filter(e -> local.equals(e.getString("localAddress"))).toList();
        assertEquals(1, found.size(), () -> type + " for " + local + ": " + found);
        return found.get(0);
    }

    private static void awaitTrue(BooleanSupplier condition) {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!condition.getAsBoolean()) {
            assertTrue(System.nanoTime() - deadline < 0, "condition not met within " + WAIT);
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
        }
    }
}
