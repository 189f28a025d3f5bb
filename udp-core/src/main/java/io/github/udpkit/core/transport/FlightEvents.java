package io.github.udpkit.core.transport;

import io.github.udpkit.api.DisconnectReason;
import io.github.udpkit.api.EndpointStats;
import io.github.udpkit.core.Addresses;
import java.net.InetSocketAddress;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Event;
import jdk.jfr.FlightRecorder;
import jdk.jfr.FlightRecorderListener;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.Period;
import jdk.jfr.StackTrace;
import jdk.jfr.Timespan;

/**
 * The endpoint's JDK Flight Recorder events: what an operator reads afterwards in a recording
 * ({@code jfr print --categories udpkit}, JDK Mission Control). Lifecycle events are committed where
 * the driver opens and closes the endpoint and dispatches peer events; the drop and retransmission
 * counts are sampled from {@link DatagramEndpoint#stats()} by JFR's periodic thread, only while a
 * recording has them enabled, and once more when the endpoint closes. Nothing here runs per
 * datagram, and in a JVM whose recorder was never started nothing here loads an event class.
 */
final class FlightEvents {

    static final String CATEGORY = "udpkit";
    static final String ENDPOINT_OPENED = "io.github.udpkit.EndpointOpened";
    static final String ENDPOINT_CLOSED = "io.github.udpkit.EndpointClosed";
    static final String PEER_CONNECTED = "io.github.udpkit.PeerConnected";
    static final String PEER_DISCONNECTED = "io.github.udpkit.PeerDisconnected";
    static final String DROPS = "io.github.udpkit.Drops";
    static final String RETRANSMISSION_BURST = "io.github.udpkit.RetransmissionBurst";

    /**
     * Retransmissions in one period of {@link RetransmissionBurstEvent} that make it a burst. Ten a
     * second is well above what a clean path's spurious losses cost and well below a lossy one's.
     */
    static final long BURST_THRESHOLD = 10;

    /** The open endpoints the periodic events sample; added at open, removed at close. */
    private static final Set<Sampler> OPEN = ConcurrentHashMap.newKeySet();

    static {
        // The first event class a JVM loads costs it 100 ms and more (JFR readies its
        // instrumentation), so no event class is touched before the recorder is initialized: by
        // -XX:StartFlightRecording, jcmd JFR.start or a Recording, before or after this runs. Then,
        // and not before, the periodic events are registered; and every commit site first asks
        // FlightRecorder.isInitialized(), a field read. Adding the listener itself costs about 10 ms,
        // once per JVM, on the first endpoint's I/O thread.
        FlightRecorder.addListener(new FlightRecorderListener() {
            @Override
            public void recorderInitialized(FlightRecorder recorder) {
                // What endpoints open before the recorder did before it is not a burst now.
                OPEN.forEach(Sampler::rebase);
                FlightRecorder.addPeriodicEvent(DropsEvent.class, () -> OPEN.forEach(Sampler::sampleDrops));
                FlightRecorder.addPeriodicEvent(RetransmissionBurstEvent.class,
                        () -> OPEN.forEach(Sampler::sampleRetransmissions));
            }
        });
    }

    private FlightEvents() {
    }

    /** Registers an endpoint that has just opened, and says so if a recording listens. */
    static Sampler opened(DatagramEndpoint<?> endpoint) {
        Sampler sampler = new Sampler(endpoint);
        OPEN.add(sampler);
        if (!FlightRecorder.isInitialized()) {
            return sampler;
        }
        EndpointOpenedEvent event = new EndpointOpenedEvent();
        if (event.isEnabled()) {
            event.localAddress = sampler.local;
            event.mode = endpoint.mode().name();
            event.commit();
        }
        return sampler;
    }

    static void peerConnected(Sampler sampler, InetSocketAddress peer) {
        if (!FlightRecorder.isInitialized()) {
            return;
        }
        PeerConnectedEvent event = new PeerConnectedEvent();
        if (event.isEnabled()) {
            event.localAddress = sampler.local;
            event.peerAddress = Addresses.format(peer);
            event.commit();
        }
    }

    static void peerDisconnected(Sampler sampler, InetSocketAddress peer, DisconnectReason reason) {
        if (!FlightRecorder.isInitialized()) {
            return;
        }
        PeerDisconnectedEvent event = new PeerDisconnectedEvent();
        if (event.isEnabled()) {
            event.localAddress = sampler.local;
            event.peerAddress = Addresses.format(peer);
            event.reason = reason.name();
            event.commit();
        }
    }

    /** The endpoint has closed: the last samples, its totals, and it is sampled no more. */
    static void closed(Sampler sampler) {
        if (sampler == null) {
            return; // the I/O thread failed before it had registered the endpoint
        }
        OPEN.remove(sampler);
        if (!FlightRecorder.isInitialized()) {
            return;
        }
        sampler.sampleDrops();
        sampler.sampleRetransmissions();
        EndpointClosedEvent event = new EndpointClosedEvent();
        if (event.isEnabled()) {
            EndpointStats stats = sampler.endpoint.stats();
            event.localAddress = sampler.local;
            event.datagramsSent = stats.datagramsSent();
            event.datagramsReceived = stats.datagramsReceived();
            event.messagesSent = stats.messagesSent();
            event.messagesDelivered = stats.messagesDelivered();
            event.retransmissions = stats.retransmissions();
            event.deliveryFailures = stats.deliveryFailures();
            event.commit();
        }
    }

    /**
     * One endpoint's counts as last reported, so each event carries what happened since the one
     * before. Called by JFR's periodic thread and, once, by the closing I/O thread: synchronized.
     */
    static final class Sampler {
        private final DatagramEndpoint<?> endpoint;
        private final String local;
        private EndpointStats lastDrops = EndpointStats.builder().build();
        private long lastRetransmissions;
        private long lastRetransmissionSample = System.nanoTime();

        private Sampler(DatagramEndpoint<?> endpoint) {
            this.endpoint = endpoint;
            this.local = Addresses.format(endpoint.localAddress());
        }

        /** Counts from now on: what happened before the recorder started is nobody's burst. */
        synchronized void rebase() {
            lastDrops = endpoint.stats();
            lastRetransmissions = lastDrops.retransmissions();
            lastRetransmissionSample = System.nanoTime();
        }

        synchronized void sampleDrops() {
            DropsEvent event = new DropsEvent();
            if (!event.isEnabled()) {
                return;
            }
            EndpointStats now = endpoint.stats();
            EndpointStats was = lastDrops;
            lastDrops = now;
            event.localAddress = local;
            event.malformed = now.malformed() - was.malformed();
            event.oversized = now.oversized() - was.oversized();
            event.filtered = now.filtered() - was.filtered();
            event.authFailures = now.authFailures() - was.authFailures();
            event.replaysDropped = now.replaysDropped() - was.replaysDropped();
            event.duplicatesDropped = now.duplicatesDropped() - was.duplicatesDropped();
            event.receiveQueueDrops = now.receiveQueueDrops() - was.receiveQueueDrops();
            event.decodeFailures = now.decodeFailures() - was.decodeFailures();
            event.badSignatures = now.badSignatures() - was.badSignatures() + now.unknownKeys() - was.unknownKeys()
                    + now.changedKeys() - was.changedKeys() + now.replayedSequences() - was.replayedSequences();
            // On change only: an endpoint that dropped nothing in the period writes nothing.
            if (event.malformed + event.oversized + event.filtered + event.authFailures + event.replaysDropped
                    + event.duplicatesDropped + event.receiveQueueDrops + event.decodeFailures + event.badSignatures > 0) {
                event.commit();
            }
        }

        synchronized void sampleRetransmissions() {
            RetransmissionBurstEvent event = new RetransmissionBurstEvent();
            if (!event.isEnabled()) {
                return;
            }
            long now = System.nanoTime();
            EndpointStats stats = endpoint.stats();
            long count = stats.retransmissions() - lastRetransmissions;
            long since = lastRetransmissionSample;
            lastRetransmissions = stats.retransmissions();
            lastRetransmissionSample = now;
            if (count >= BURST_THRESHOLD) {
                event.localAddress = local;
                event.retransmissions = count;
                event.window = (now - since) / 1_000_000;
                event.peers = stats.peers();
                event.smoothedRtt = stats.smoothedRtt().toNanos() / 1_000;
                event.commit();
            }
        }
    }

    @Name(ENDPOINT_OPENED)
    @Label("Endpoint Opened")
    @Category(CATEGORY)
    @Description("A udpkit endpoint bound its socket and started its I/O thread.")
    @StackTrace(false)
    static final class EndpointOpenedEvent extends Event {
        @Label("Local Address")
        String localAddress;
        @Label("Delivery Mode")
        String mode;
    }

    @Name(ENDPOINT_CLOSED)
    @Label("Endpoint Closed")
    @Category(CATEGORY)
    @Description("A udpkit endpoint closed, with what it did while open.")
    @StackTrace(false)
    static final class EndpointClosedEvent extends Event {
        @Label("Local Address")
        String localAddress;
        @Label("Datagrams Sent")
        long datagramsSent;
        @Label("Datagrams Received")
        long datagramsReceived;
        @Label("Messages Sent")
        long messagesSent;
        @Label("Messages Delivered")
        long messagesDelivered;
        @Label("Retransmissions")
        long retransmissions;
        @Label("Delivery Failures")
        long deliveryFailures;
    }

    @Name(PEER_CONNECTED)
    @Label("Peer Connected")
    @Category(CATEGORY)
    @Description("A framed endpoint heard from a peer for the first time, or again after losing it.")
    @StackTrace(false)
    static final class PeerConnectedEvent extends Event {
        @Label("Local Address")
        String localAddress;
        @Label("Peer Address")
        String peerAddress;
    }

    @Name(PEER_DISCONNECTED)
    @Label("Peer Disconnected")
    @Category(CATEGORY)
    @Description("A framed endpoint dropped a peer and its state; the reason is a DisconnectReason.")
    @StackTrace(false)
    static final class PeerDisconnectedEvent extends Event {
        @Label("Local Address")
        String localAddress;
        @Label("Peer Address")
        String peerAddress;
        @Label("Reason")
        String reason;
    }

    @Name(DROPS)
    @Label("Datagrams Dropped")
    @Category(CATEGORY)
    @Description("What an endpoint dropped since its previous Drops event, by cause; written only when it dropped something.")
    @StackTrace(false)
    @Period("1 s")
    static final class DropsEvent extends Event {
        @Label("Local Address")
        String localAddress;
        @Label("Malformed")
        long malformed;
        @Label("Oversized")
        long oversized;
        @Label("Filtered")
        @Description("Refused by the address filter or the rate limit, or sent a RETRY for address validation.")
        long filtered;
        @Label("Authentication Failures")
        long authFailures;
        @Label("Replays")
        long replaysDropped;
        @Label("Duplicates")
        long duplicatesDropped;
        @Label("Receive Queue Full")
        long receiveQueueDrops;
        @Label("Decode Failures")
        long decodeFailures;
        @Label("Signature Rejections")
        @Description("Bad signatures, unknown or changed keys, replayed signed sequences.")
        long badSignatures;
    }

    @Name(RETRANSMISSION_BURST)
    @Label("Retransmission Burst")
    @Category(CATEGORY)
    @Description("An endpoint retransmitted at least " + BURST_THRESHOLD + " datagrams in one period.")
    @StackTrace(false)
    @Period("1 s")
    static final class RetransmissionBurstEvent extends Event {
        @Label("Local Address")
        String localAddress;
        @Label("Retransmissions")
        long retransmissions;
        @Label("Window")
        @Timespan(Timespan.MILLISECONDS)
        long window;
        @Label("Peers")
        long peers;
        @Label("Smoothed RTT")
        @Timespan(Timespan.MICROSECONDS)
        long smoothedRtt;
    }
}
