package io.github.udpkit.benchkit;

import io.github.udpkit.api.DeliveryMode;
import io.github.udpkit.api.Endpoint;
import io.github.udpkit.core.EndpointBuilder;
import io.github.udpkit.core.protocol.EngineConfig;
import java.util.ArrayList;
import java.util.List;

/**
 * The standard comparison of {@code udpkit bench}: the raw {@code DatagramChannel} baseline, udpkit
 * in each delivery mode listed here, and TCP, at the same message sizes, one way and round trip.
 *
 * @since 0.1.0
 */
public final class Scenarios {

    /** The throughput message sizes: small (where per-datagram cost dominates) and close to a path MTU. */
    public static final List<Integer> THROUGHPUT_PAYLOADS = List.of(64, 1_200);
    /** The size of the chat fan-out's texts: a line of chat, and the baseline's small datagrams. */
    static final int FAN_OUT_PAYLOAD = 64;
    /** The round-trip message size. */
    public static final int ROUND_TRIP_PAYLOAD = 64;
    /**
     * The datagram size of the framed rows whose messages do not fit whole in the engine's default
     * 1,200-byte datagrams: the largest UDP payload a 1,500-byte Ethernet MTU carries without IP
     * fragmentation (1,500 less 20 bytes of IPv4 and 8 of UDP header), what a real LAN carries.
     */
    public static final int LAN_DATAGRAM_BYTES = 1_472;
    /**
     * The ceiling of the path MTU search in the "path MTU" rows: the largest UDP payload, which
     * loopback (MTU 64 KiB) carries; the search finds it in a few round trips.
     */
    public static final int PATH_MTU_CEILING = Endpoint.MAX_DATAGRAM_PAYLOAD;
    /** Messages up to this size travel whole in the engine's default datagrams, and run on its defaults. */
    static final int DEFAULT_DATAGRAM_MESSAGE_LIMIT = 1_024;

    /** The udpkit modes measured one way; a mode is added by adding it here. */
    static final List<DeliveryMode> UDPKIT_THROUGHPUT_MODES =
            List.of(DeliveryMode.RAW, DeliveryMode.UNRELIABLE, DeliveryMode.RELIABLE);
    /** The udpkit modes measured round trip, at each of {@link #UDPKIT_ROUND_TRIP_WAITS}. */
    static final List<DeliveryMode> UDPKIT_ROUND_TRIP_MODES = List.of(DeliveryMode.RAW, DeliveryMode.RELIABLE);
    /** How udpkit's event-driven round trips wait: pure blocking, the default, and busy-spinning. */
    static final List<Scenario.Wait> UDPKIT_ROUND_TRIP_WAITS =
            List.of(Scenario.Wait.BLOCKING, Scenario.Wait.ADAPTIVE, Scenario.Wait.BUSY_SPIN);
    /**
     * How udpkit's {@code receive()} round trips wait; the adaptive one is what an application with
     * its own thread gets by default.
     */
    static final List<Scenario.Wait> UDPKIT_RECEIVE_WAITS =
            List.of(Scenario.Wait.BLOCKING, Scenario.Wait.ADAPTIVE, Scenario.Wait.BUSY_SPIN);
    /** How the baseline and TCP round trips wait: the two bounds an adaptive wait lies between. */
    static final List<Scenario.Wait> PLAIN_ROUND_TRIP_WAITS = List.of(Scenario.Wait.BLOCKING, Scenario.Wait.BUSY_SPIN);

    private Scenarios() {
    }

    /**
     * The protocol settings udpkit's framed modes are measured with at a message size: the
     * engine's defaults for small messages (64 bytes), and datagrams of {@link #LAN_DATAGRAM_BYTES}
     * for messages near a path MTU (1,200 bytes), which the default 1,200-byte datagrams (header
     * included) would split in two.
     *
     * @param payloadBytes the message size
     * @return the settings
     */
    public static EngineConfig engineConfig(int payloadBytes) {
        if (payloadBytes <= DEFAULT_DATAGRAM_MESSAGE_LIMIT) {
            return EngineConfig.defaults();
        }
        return EngineConfig.builder().maxDatagramSize(LAN_DATAGRAM_BYTES).build();
    }

    /**
     * The protocol settings of the "path MTU" rows: path MTU discovery on (RFC 8899, through
     * {@code EndpointBuilder.protocol}), searching up to {@link #PATH_MTU_CEILING}; everything else
     * the engine's defaults. Paths start at 1,200 bytes; messages are cut for, and packed into,
     * datagrams as large as the search found.
     *
     * @return the settings
     */
    public static EngineConfig pathMtuConfig() {
        return EngineConfig.builder().maxDatagramSize(PATH_MTU_CEILING).pathMtuDiscovery(true).build();
    }

    /**
     * Every standard scenario, baselines first within each kind: one-way throughput at each size
     * (baseline, udpkit modes on their default adaptive wait with RAW also blocking at once and
     * RELIABLE also encrypted, TCP, and at 64 bytes the chat fan-out), then round trips (the
     * baseline and TCP blocking and busy-spinning; udpkit's event-driven, in its handlers, and with
     * the application's thread in {@code receive()}, each blocking, adaptive and busy-spinning).
     *
     * @return a new list
     */
    public static List<Scenario> standard() {
        List<Scenario> all = new ArrayList<>();
        for (int payload : THROUGHPUT_PAYLOADS) {
            all.add(DatagramChannelScenarios.throughput(payload));
            all.add(GsoScenarios.throughput(payload));
            for (DeliveryMode mode : UDPKIT_THROUGHPUT_MODES) {
                all.add(UdpkitScenarios.throughput(mode, payload));
                if (mode == DeliveryMode.RAW) {
                    all.add(UdpkitScenarios.throughput(mode, payload, UdpkitScenarios.Protection.PLAIN,
                            Scenario.Wait.BLOCKING));
                }
                if (mode == DeliveryMode.RAW || mode == DeliveryMode.RELIABLE) {
                    all.add(UdpkitScenarios.batchThroughput(mode, payload));
                }
                if (mode == DeliveryMode.RAW) {
                    all.add(UdpkitScenarios.rawBatchToPlainThroughput(payload));
                }
                if (mode == DeliveryMode.RELIABLE) {
                    all.add(UdpkitScenarios.throughput(mode, payload, UdpkitScenarios.Protection.AES_GCM));
                    all.add(UdpkitScenarios.throughput(mode, payload, UdpkitScenarios.Protection.DTLS));
                    all.add(UdpkitScenarios.pathMtuThroughput(mode, payload));
                }
            }
            all.add(TcpScenarios.throughput(payload));
            if (payload == FAN_OUT_PAYLOAD) {
                all.add(ChatScenarios.fanOut(ChatScenarios.STANDARD_MEMBERS, payload));
                all.add(ChatScenarios.signedFanOut(ChatScenarios.STANDARD_MEMBERS, payload));
            }
        }
        for (Scenario.Wait wait : PLAIN_ROUND_TRIP_WAITS) {
            all.add(DatagramChannelScenarios.roundTrip(wait, ROUND_TRIP_PAYLOAD));
        }
        for (DeliveryMode mode : UDPKIT_ROUND_TRIP_MODES) {
            for (Scenario.Wait wait : UDPKIT_ROUND_TRIP_WAITS) {
                all.add(UdpkitScenarios.roundTrip(mode, wait, ROUND_TRIP_PAYLOAD));
                if (UDPKIT_RECEIVE_WAITS.contains(wait)) {
                    all.add(UdpkitScenarios.roundTripReceive(mode, wait, ROUND_TRIP_PAYLOAD));
                }
            }
        }
        for (Scenario.Wait wait : PLAIN_ROUND_TRIP_WAITS) {
            all.add(TcpScenarios.roundTrip(wait, ROUND_TRIP_PAYLOAD));
        }
        return all;
    }

    /**
     * What the standard comparison does not measure yet, and why; printed under the table.
     *
     * @return the notes
     */
    public static List<String> notes() {
        return List.of(
                "'" + GsoScenarios.MODE + "': the limit, raw datagrams through udp-core's batched Linux socket "
                        + "(JDK 22+, FFM): the sender hands " + GsoScenarios.FLUSH_EVERY + " at a time to one sendmmsg, "
                        + "equal-sized runs as one UDP_SEGMENT (GSO) message; the receiver reads with recvmmsg and "
                        + "UDP_GRO and counts each datagram. On JDK 17 to 21 the row says it needs JDK 22+. udpkit's "
                        + "own rows run on the same batched transport where it is available (-Dudpkit.transport=jdk "
                        + "keeps them on the JDK's DatagramChannel).",
                "wait 'blocking': the receiving threads sleep in the system call as soon as they are idle; for udpkit "
                        + "the endpoints are built idleSpin(Duration.ZERO), so their I/O threads sleep in the selector "
                        + "at once, as the baseline's threads block in receive().",
                "wait 'adaptive': udpkit's default; after recent traffic an endpoint's I/O thread keeps polling its "
                        + "socket, yielding its core to any thread that wants it, for twice the recent gaps and at most "
                        + EndpointBuilder.DEFAULT_IDLE_SPIN.toNanos() / 1_000 + " µs, then sleeps as 'blocking'; "
                        + "an adaptive round trip's 'vs baseline' is taken against the blocking baseline (what a plain "
                        + "program does), the busy-spin baseline being the other bound.",
                "wait 'busy-spin': the threads never sleep; two spin in every row, for udpkit the endpoints' I/O "
                        + "threads (busySpin()), and any other thread blocks.",
                "udpkit throughput rows run on the endpoints' defaults (adaptive), compared with the blocking "
                        + "baseline like every throughput row; 'udpkit RAW, idleSpin(0)' is the RAW row blocking at "
                        + "once, and its 'vs reference' ratio to the RAW row shows how much of RAW's rate the idle "
                        + "spin buys.",
                "udpkit round trips: 'udpkit RAW' and 'udpkit RELIABLE' run the ping-pong in the endpoints' handlers "
                        + "on their I/O threads (one wake per datagram each side, as the baseline's threads); "
                        + "', receive()' rows have the client's own thread block in receive(), one more hand-off per "
                        + "echo (it blocks whatever the row's wait, which is the I/O threads').",
                "udpkit UNRELIABLE and RELIABLE send a new array per message (the engine keeps it until sent or "
                        + "acknowledged); RAW reuses one, as its send is done when it returns.",
                "udpkit's framed modes run with the engine's defaults (datagrams of at most 1,200 bytes, header "
                        + "included) at 64 B; at 1,200 B with maxDatagramSize " + LAN_DATAGRAM_BYTES
                        + " (Ethernet MTU 1,500 less IPv4 and UDP headers), so each message travels whole "
                        + "(JSON: maxDatagramBytes).",
                "'udpkit RAW, batch to DatagramChannel': RAW batches of " + UdpkitScenarios.BATCH_MESSAGES
                        + " (on the batched transport one sendmmsg each, equal sizes as one GSO message) toward the "
                        + "baseline's receiver, a blocking DatagramChannel reading one datagram a system call. On "
                        + "loopback the kernel splits each GSO message back into datagrams for a receiver without "
                        + "UDP_GRO, in the sender's system call, so that work and the receiver's one call a datagram "
                        + "bound the row; its 'vs reference' ratio is to 'udpkit RAW, batch', whose udpkit receiver "
                        + "reads with recvmmsg and GRO.",
                "'udpkit RELIABLE, path MTU': the RELIABLE row with path MTU discovery on (EngineConfig."
                        + "pathMtuDiscovery, maxDatagramSize " + PATH_MTU_CEILING + " as the search's ceiling): paths "
                        + "start at 1,200 bytes and probe upward, on loopback to the ceiling, and messages are packed "
                        + "into datagrams that large and cut for them (1,200 B messages travel whole); the receive "
                        + "window and send queue, in messages, grow with maxDatagramSize (65,536 and 16,384); "
                        + "'datagram B' is the mean size the sender reached. Its 'vs reference' ratio is to the "
                        + "plain RELIABLE row.",
                "'udpkit RELIABLE, AES-GCM': the RELIABLE row with encryption(key), both endpoints sharing a random "
                        + "256-bit key made when the row opens; every datagram sealed with AES-256-GCM under keys "
                        + "derived with HKDF per session and direction (header authenticated, frames encrypted, "
                        + "16-byte tag). Its 'vs reference' ratio to the plain RELIABLE row of the same run is "
                        + "what encryption costs (udpkit's target: at least 0.8x at 1,200 B).",
                "'udpkit RELIABLE, DTLS': the RELIABLE row with dtls(config): the receiver serves a new self-signed "
                        + "P-256 certificate that the sender trusts, a full DTLS 1.2 handshake (ECDHE) when the row "
                        + "opens, then every udpkit datagram is the plaintext of one DTLS record (AES-128-GCM, 37 "
                        + "bytes of record header, nonce and tag; the engine's own CRC dropped). Its ratio to the "
                        + "plain RELIABLE row is what DTLS costs (udpkit's target: at least 0.8x at 1,200 B).",
                "'udpkit chat, fan-out to " + ChatScenarios.STANDARD_MEMBERS + "': one ChatServer and "
                        + ChatScenarios.STANDARD_MEMBERS + " ChatClients in one room, each client with its own socket "
                        + "and I/O thread on this same machine's cores, all on their default (adaptive) wait, plus a speaker saying " + FAN_OUT_PAYLOAD
                        + "-character texts (the stamp in hex) with at most " + ChatScenarios.WINDOW
                        + " not yet received by every member; msgs/s counts member deliveries (a message once per "
                        + "member that got it) and loss is counted per member after the drain, compared with the "
                        + "baseline's 64 B datagrams (udpkit's target: at least 0.8x). Joining the members (each "
                        + "join announced to the room) is not part of the figure; its time is stated as 'opening'.",
                "'udpkit chat, fan-out to " + ChatScenarios.STANDARD_MEMBERS + ", signed': the same room, every "
                        + "client with an Ed25519 identity of its own: the speaker signs each message, the server "
                        + "checks it once, and each member checks it again before counting it, so one message costs "
                        + ChatScenarios.STANDARD_MEMBERS + " + 2 signature operations; at most "
                        + ChatScenarios.SIGNED_WINDOW + " messages not yet received by every member. Ed25519 comes "
                        + "from the JDK unless Bouncy Castle is on the class path (udp-bench's Compare has it).");
    }
}
