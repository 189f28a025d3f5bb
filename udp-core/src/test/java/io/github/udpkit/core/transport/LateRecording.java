package io.github.udpkit.core.transport;

import io.github.udpkit.api.Codecs;
import io.github.udpkit.api.DeliveryMode;
import io.github.udpkit.api.Endpoint;
import io.github.udpkit.core.Udp;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import jdk.jfr.FlightRecorder;
import jdk.jfr.consumer.RecordingStream;

/**
 * The program {@link FlightEventsTest} runs in a JVM of its own: an endpoint opens before the
 * recorder is initialized, as on a server that an operator later points {@code jcmd JFR.start} at,
 * and its drops must still be reported: those since the recording began, not those before. Exit 0 when they are, 2 if the recorder was initialized
 * too early for the check to mean anything, 1 otherwise.
 */
final class LateRecording {

    private LateRecording() {
    }

    public static void main(String[] args) throws Exception {
        try (Endpoint<String> server = Udp.endpoint(Codecs.utf8()).bind("127.0.0.1", 0).mode(DeliveryMode.RELIABLE).open();
             DatagramChannel stranger = DatagramChannel.open()) {
            // A round trip through the endpoint's I/O thread, so that it has registered itself.
            stranger.bind(new InetSocketAddress("127.0.0.1", 0));
            stranger.send(ByteBuffer.wrap(new byte[] {1}), server.localAddress());
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (server.stats().malformed() < 1 && System.nanoTime() < deadline) {
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
            }
            if (FlightRecorder.isInitialized()) {
                System.out.println("the recorder was initialized before the recording: nothing to check");
                System.exit(2);
            }
            CompletableFuture<Long> malformed = new CompletableFuture<>();
            try (RecordingStream stream = new RecordingStream()) {
                stream.enable(FlightEvents.DROPS).withPeriod(Duration.ofMillis(100));
                stream.onEvent(FlightEvents.DROPS, e -> malformed.complete(e.getLong("malformed")));
                stream.startAsync();
                stranger.send(ByteBuffer.wrap("not udpkit".getBytes(StandardCharsets.US_ASCII)), server.localAddress());
                long seen = malformed.get(20, TimeUnit.SECONDS);
                System.out.println("Drops event with malformed=" + seen);
                // The datagram dropped before the recorder started is not in it: one, not two.
                System.exit(seen == 1 ? 0 : 1);
            }
        }
    }
}
