package io.github.udpkit.bench;

import io.github.udpkit.benchkit.BenchOptions;
import io.github.udpkit.benchkit.BenchRun;
import io.github.udpkit.benchkit.Scenario;
import io.github.udpkit.benchkit.Scenarios;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * The full loopback comparison: {@code udpkit bench}'s scenarios (raw {@code DatagramChannel}
 * baseline, udpkit, TCP) plus the peers that only this module depends on, Aeron and Netty, all in
 * one run with every row's ratio to the same run's baseline. Takes the same options as
 * {@code udpkit bench}.
 *
 * <pre>
 * ./mvnw -B -q -pl udp-bench -am package
 * java -jar udp-bench/target/udp-bench.jar --quick --json target/bench.json
 * </pre>
 */
@Command(name = "compare", sortOptions = false,
        description = {
            "Compare udpkit with a raw DatagramChannel, TCP, Aeron and Netty over 127.0.0.1, in one run.",
        })
public final class Compare implements Callable<Integer> {

    /** The share of datagrams the lossy proxy drops, each way, in the RELIABLE-under-loss rows. */
    static final double LOSS = 0.10;

    @Spec
    CommandSpec spec;

    @Mixin
    BenchOptions options;

    @CommandLine.Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help and exit.")
    boolean help;

    /** Creates the command; picocli fills in its options. */
    public Compare() {
    }

    /**
     * Runs the comparison and exits with its status.
     *
     * @param args the options, as {@code udpkit bench} takes them
     */
    public static void main(String[] args) {
        System.exit(new CommandLine(new Compare()).execute(args));
    }

    /**
     * The standard scenarios with the peers inserted next to the rows they compare with.
     *
     * @return the catalogue
     */
    static List<Scenario> catalogue() {
        List<Scenario> all = new ArrayList<>();
        for (Scenario s : Scenarios.standard()) {
            all.add(s);
            if (s.kind() == Scenario.Kind.THROUGHPUT && s.key().equals("tcp")) {
                all.add(LossyScenarios.reliableThroughput(LOSS, s.payloadBytes()));
                all.add(AeronScenarios.throughput(s.payloadBytes()));
                all.add(AeronScenarios.throughputMtu(s.payloadBytes(), Scenarios.PATH_MTU_CEILING));
                all.add(NettyScenarios.throughput(s.payloadBytes()));
            }
        }
        all.add(AeronScenarios.roundTrip(Scenarios.ROUND_TRIP_PAYLOAD));
        return all;
    }

    /**
     * The notes printed under the table: the standard ones and how the peers are set up.
     *
     * @return the notes
     */
    static List<String> notes() {
        List<String> notes = new ArrayList<>(Scenarios.notes());
        notes.add("'Aeron, SHARED driver, mtu " + AeronScenarios.mtuFor(Scenarios.PATH_MTU_CEILING) + "': the same "
                + "with its MTU raised to the datagram size udpkit's path MTU rows search up to (" + Scenarios.PATH_MTU_CEILING
                + " rounded down to Aeron's 32-byte frame alignment; its largest), socket buffers of 4 MiB and a "
                + "receiver window of 2 MiB, so both pack into datagrams as large; compare 'datagram B' of the "
                + "udpkit path MTU rows, what udpkit reached.");
        notes.add("Aeron: embedded media driver, SHARED threading, its default MTU (1,408-byte datagrams, which it "
                + "packs small messages into), the back-off idle strategy on every thread: poll, spin, yield, then "
                + "park for 1 µs doubling to 1 ms, and poll again. Its rows say 'busy-spin' as no thread blocks on a "
                + "socket, and its round trip is compared with the busy-spin baseline, although an idle Aeron thread "
                + "parks (on Linux a short park takes tens of µs).");
        notes.add("RELIABLE with loss and Netty: the udpkit endpoints run on their defaults (adaptive), Netty's "
                + "event loops block in the selector (blocking).");
        notes.add("Netty NIO: one event loop per side; the sender writes batches of 64 pooled direct buffers per flush.");
        notes.add("RELIABLE with loss: through udp-testkit's LossyProxy dropping 10% of datagrams each way (seed "
                + LossyScenarios.SEED + "); the rate is goodput, compared with the lossless raw baseline.");
        return notes;
    }

    @Override
    public Integer call() {
        return BenchRun.execute(spec, options, catalogue(), notes());
    }
}
