package io.github.udpkit.benchkit;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code udpkit bench}: measures udpkit side by side with a raw {@code DatagramChannel} and TCP on
 * loopback, in one run, and prints a table of rates, latencies and ratios to the raw baseline.
 * Its help option comes from the {@code udpkit} command, whose standard options subcommands inherit.
 *
 * @since 0.1.0
 */
@Command(name = "bench",
        description = {
            "Compare udpkit with a raw DatagramChannel and TCP over 127.0.0.1, in one run.",
            "One-way throughput at 64 and 1,200 bytes (udpkit RELIABLE also encrypted), a chat server's "
                    + "fan-out to a room of 1,000 members (also with every message Ed25519-signed), and round-trip latency at 64 bytes, blocking, "
                    + "adaptive (udpkit's default: polling briefly after traffic, then blocking) and "
                    + "busy-spinning. Each scenario runs a discarded warm-up round and several measured rounds; "
                    + "the table shows medians with their range and every row's ratio to the raw baseline "
                    + "measured in the same run. Exits 1 if a scenario failed.",
        },
        sortOptions = false)
public final class BenchCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    BenchOptions options;

    /** Creates the command; picocli fills in its options. */
    public BenchCommand() {
    }

    @Override
    public Integer call() {
        return BenchRun.execute(spec, options, Scenarios.standard(), Scenarios.notes());
    }
}
