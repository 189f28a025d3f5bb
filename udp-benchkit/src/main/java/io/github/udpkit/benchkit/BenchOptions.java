package io.github.udpkit.benchkit;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;

/**
 * The options shared by {@code udpkit bench} and udp-bench's {@code Compare}: a picocli mixin that
 * turns them into a validated {@link BenchPlan}.
 *
 * @since 0.1.0
 */
public final class BenchOptions {

    @Option(names = "--quick", description = "A short run (about half a minute): 200 ms warm-up, 3 rounds of 300 ms.")
    boolean quick;

    @Option(names = "--json", paramLabel = "FILE", description = "Also write one JSON record per scenario to FILE.")
    Path json;

    @Option(names = "--scenario", paramLabel = "FILTER", split = ",",
            description = "Run only the scenarios whose id contains FILTER (repeatable or comma-separated), "
                    + "with their baselines; see --list.")
    List<String> scenarios = new ArrayList<>();

    @Option(names = "--rounds", paramLabel = "N",
            description = "Measured rounds per scenario (default 5, or 3 with --quick).")
    Integer rounds;

    @Option(names = "--duration", paramLabel = "DURATION", converter = DurationConverter.class,
            description = "Length of each measured round, like 2s or 500ms (default 2s, or 300ms with --quick).")
    Duration duration;

    @Option(names = "--warmup", paramLabel = "DURATION", converter = DurationConverter.class,
            description = "Length of the discarded warm-up round (default 1s, or 200ms with --quick; 0s for none).")
    Duration warmup;

    @Option(names = "--list", description = "List the scenario ids and exit.")
    boolean list;

    /** Creates the options with their defaults; picocli fills them in. */
    public BenchOptions() {
    }

    /** Whether only the list of scenarios was asked for. */
    public boolean listOnly() {
        return list;
    }

    /** Where to write the JSON report, or {@code null}. */
    public Path jsonFile() {
        return json;
    }

    /**
     * The plan these options describe.
     *
     * @param spec the command, to report a bad value against
     * @return the plan
     * @throws CommandLine.ParameterException naming the bad value, if an option is out of range
     */
    public BenchPlan plan(CommandSpec spec) {
        try {
            BenchPlan.Builder b = quick ? BenchPlan.quick() : BenchPlan.full();
            if (rounds != null) {
                b.rounds(rounds);
            }
            if (duration != null) {
                b.round(duration);
            }
            if (warmup != null) {
                b.warmup(warmup);
            }
            scenarios.forEach(b::filter);
            return b.build();
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage(), e);
        }
    }
}
