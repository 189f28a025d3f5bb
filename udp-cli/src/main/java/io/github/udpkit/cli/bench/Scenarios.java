package io.github.udpkit.cli.bench;

import io.github.udpkit.api.DeliveryMode;
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
    /** The round-trip message size. */
    public static final int ROUND_TRIP_PAYLOAD = 64;

    /** The udpkit modes measured one way; a mode is added by adding it here. */
    static final List<DeliveryMode> UDPKIT_THROUGHPUT_MODES =
            List.of(DeliveryMode.RAW, DeliveryMode.UNRELIABLE, DeliveryMode.RELIABLE);
    /** The udpkit modes measured round trip, blocking and busy-spinning. */
    static final List<DeliveryMode> UDPKIT_ROUND_TRIP_MODES = List.of(DeliveryMode.RAW, DeliveryMode.RELIABLE);

    private Scenarios() {
    }

    /**
     * Every standard scenario, baselines first within each kind: one-way throughput at each size
     * (baseline, udpkit modes, TCP), then round trips (each blocking and busy-spinning).
     *
     * @return a new list
     */
    public static List<Scenario> standard() {
        List<Scenario> all = new ArrayList<>();
        for (int payload : THROUGHPUT_PAYLOADS) {
            all.add(DatagramChannelScenarios.throughput(payload));
            for (DeliveryMode mode : UDPKIT_THROUGHPUT_MODES) {
                all.add(UdpkitScenarios.throughput(mode, payload));
            }
            all.add(TcpScenarios.throughput(payload));
        }
        for (Scenario.Wait wait : Scenario.Wait.values()) {
            all.add(DatagramChannelScenarios.roundTrip(wait, ROUND_TRIP_PAYLOAD));
        }
        for (DeliveryMode mode : UDPKIT_ROUND_TRIP_MODES) {
            for (Scenario.Wait wait : Scenario.Wait.values()) {
                all.add(UdpkitScenarios.roundTrip(mode, wait, ROUND_TRIP_PAYLOAD));
            }
        }
        for (Scenario.Wait wait : Scenario.Wait.values()) {
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
                "busy-spin: two threads spin in every row; for udpkit they are the endpoints' I/O threads "
                        + "(busySpin()), and the client's thread takes the echo with a blocking receive.",
                "udpkit UNRELIABLE and RELIABLE send a new array per message (the engine keeps it until sent or "
                        + "acknowledged); RAW reuses one, as its send is done when it returns.",
                "udpkit's framed modes run with the engine's defaults: datagrams of at most 1,200 bytes with the "
                        + "header, so a 1,200-byte message travels as two fragments.");
    }
}
