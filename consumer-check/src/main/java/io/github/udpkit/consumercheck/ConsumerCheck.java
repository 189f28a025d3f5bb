package io.github.udpkit.consumercheck;

import io.github.udpkit.api.Codecs;
import io.github.udpkit.api.DeliveryMode;
import io.github.udpkit.api.Endpoint;
import io.github.udpkit.api.Message;
import io.github.udpkit.chat.ChatClient;
import io.github.udpkit.chat.ChatListener;
import io.github.udpkit.chat.ChatMessage;
import io.github.udpkit.chat.ChatServer;
import io.github.udpkit.core.Udp;
import io.github.udpkit.core.security.Key;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordingFile;

/**
 * What a user's first program does with udpkit, run on the module path from the published
 * artifacts: an encrypted, reliable round trip over loopback, recorded by the Flight Recorder, and a
 * chat room of two. Exits 0 when
 * both work, 1 with the reason otherwise; every wait is bounded.
 */
public final class ConsumerCheck {

    private static final Duration WAIT = Duration.ofSeconds(10);

    private ConsumerCheck() {
    }

    public static void main(String[] args) {
        try {
            roundTripRecorded();
            chatOfTwo();
            System.out.println("consumer check passed: "
                    + ConsumerCheck.class.getModule().getName() + " on the module path with "
                    + Udp.class.getModule().getDescriptor().toNameAndVersion() + " and "
                    + ChatServer.class.getModule().getDescriptor().toNameAndVersion());
        } catch (Exception | AssertionError e) {
            System.err.println("consumer check failed: " + e);
            System.exit(1);
        }
    }

    /**
     * The round trip inside a Flight Recorder recording: udp-core's events, defined in a named module,
     * are recorded (peers connected on both sides).
     */
    private static void roundTripRecorded() throws Exception {
        Path file = Files.createTempFile("udpkit-consumer-check", ".jfr");
        try {
            try (Recording recording = new Recording()) {
                recording.enable("io.github.udpkit.PeerConnected");
                recording.start();
                roundTrip();
                recording.stop();
                recording.dump(file);
            }
            long connected = RecordingFile.readAllEvents(file).stream()
                    .filter(e -> e.getEventType().getName().equals("io.github.udpkit.PeerConnected")).count();
            check(connected == 2, "the recording holds " + connected + " PeerConnected events, not 2");
            System.out.println("flight recorder: " + connected + " PeerConnected events");
        } finally {
            Files.deleteIfExists(file);
        }
    }

    /** A RELIABLE, encrypted echo over 127.0.0.1: the request is acknowledged and answered. */
    private static void roundTrip() throws Exception {
        Key key = Key.generate();
        try (Endpoint<String> server = Udp.endpoint(Codecs.utf8()).mode(DeliveryMode.RELIABLE).encryption(key)
                     .bind("127.0.0.1", 0).open();
             Endpoint<String> client = Udp.endpoint(Codecs.utf8()).mode(DeliveryMode.RELIABLE).encryption(key)
                     .bind("127.0.0.1", 0).open()) {
            server.onMessage(m -> server.send(m.payload().toUpperCase(Locale.ROOT)).to(m.sender()));
            client.send("hello over udp").to(server.localAddress()).get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
            Message<String> reply = client.receive(WAIT);
            check("HELLO OVER UDP".equals(reply.payload()), "the echo answered '" + reply.payload() + "'");
            check(reply.sender().equals(server.localAddress()), "the echo came from " + reply.sender());
            System.out.println("round trip: '" + reply.payload() + "' from " + reply.sender());
        }
    }

    /** Alice and bob join one room; what alice says reaches bob under her name. */
    private static void chatOfTwo() throws Exception {
        CompletableFuture<ChatMessage> heardByBob = new CompletableFuture<>();
        try (ChatServer server = ChatServer.builder().bind("127.0.0.1", 0).open();
             ChatClient alice = ChatClient.builder().server(server.localAddress()).bind("127.0.0.1", 0)
                     .name("alice").connect()) {
            alice.joined().get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
            try (ChatClient bob = ChatClient.builder().server(server.localAddress()).bind("127.0.0.1", 0)
                    .name("bob").listener(new ChatListener() {
                        @Override
                        public void onMessage(ChatMessage message) {
                            heardByBob.complete(message);
                        }
                    }).connect()) {
                bob.joined().get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
                alice.say("hi bob").get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
                ChatMessage m = heardByBob.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
                check("alice".equals(m.sender()) && "hi bob".equals(m.text()), "bob heard " + m);
                System.out.println("chat: bob heard " + m.sender() + ": " + m.text() + " in " + m.room());
            }
        }
    }

    private static void check(boolean condition, String what) {
        if (!condition) {
            throw new AssertionError(what);
        }
    }
}
