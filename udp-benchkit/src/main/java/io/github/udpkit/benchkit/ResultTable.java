package io.github.udpkit.benchkit;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Renders results as a plain-text table for the terminal: one row per scenario with the JDK and
 * transport it ran on, the median rate and its range, loss, the ratio to the same run's baseline,
 * round-trip percentiles, and the mean size of the datagrams sent where the stream counts them.
 *
 * @since 0.1.0
 */
public final class ResultTable {

    private static final String[] HEADER = {
        "scenario", "mode", "wait", "payload", "JDK", "transport", "msgs/s median [min..max]", "loss", "vs baseline",
        "p50 µs", "p99 µs", "p99.9 µs", "datagram B", "others' CPU",
    };
    /** Columns whose text is aligned to the right (numbers). */
    private static final boolean[] RIGHT = {
        false, false, false, true, false, false, false, true, true, true, true, true, true, true,
    };

    /** Opening times from this long up are stated under the table: a scenario with many sockets or handshakes. */
    static final long SLOW_OPEN_MILLIS = 500;

    private ResultTable() {
    }

    /**
     * Renders the table, failed scenarios with their reason in place of figures, then the run's
     * environment and notes.
     *
     * @param results the results
     * @param environment where the run happened
     * @param notes lines to print under the table
     * @return the table, lines ending with {@code \n}
     */
    public static String render(List<Result> results, BenchEnvironment environment, List<String> notes) {
        List<String[]> rows = new ArrayList<>();
        rows.add(HEADER);
        for (Result r : results) {
            rows.add(row(r, environment));
        }
        int[] widths = new int[HEADER.length];
        for (String[] row : rows) {
            for (int i = 0; i < row.length; i++) {
                widths[i] = Math.max(widths[i], row[i].length());
            }
        }
        StringBuilder out = new StringBuilder();
        for (int r = 0; r < rows.size(); r++) {
            String[] row = rows.get(r);
            StringBuilder line = new StringBuilder();
            for (int i = 0; i < row.length; i++) {
                String cell = row[i];
                String pad = " ".repeat(widths[i] - cell.length());
                line.append(RIGHT[i] && r > 0 ? pad + cell : cell + pad).append(i + 1 < row.length ? "  " : "");
            }
            out.append(line.toString().stripTrailing()).append('\n');
            if (r == 0) {
                int total = 0;
                for (int w : widths) {
                    total += w + 2;
                }
                out.append("-".repeat(total - 2)).append('\n');
            }
        }
        for (Result r : results) {
            if (r.isFailed()) {
                out.append("FAILED ").append(r.scenario().id()).append(": ").append(r.failure()).append('\n');
            }
        }
        for (Result r : results) {
            if (r.ratioToReference() != null) {
                out.append(String.format(Locale.ROOT, "vs reference: %s %d B is %.2fx %s of %s in this run%n",
                        r.scenario().mode(), r.scenario().payloadBytes(), r.ratioToReference(),
                        r.scenario().kind() == Scenario.Kind.THROUGHPUT ? "the rate" : "the p50",
                        r.scenario().referenceId().orElseThrow()));
            }
        }
        for (Result r : results) {
            if (r.openMillis() != null && r.openMillis() >= SLOW_OPEN_MILLIS) {
                out.append(String.format(Locale.ROOT, "opening: %s took %.1f s (not part of its figures)%n",
                        r.scenario().id(), r.openMillis() / 1000.0));
            }
        }
        out.append(String.format(Locale.ROOT, "%s, JDK %s, %d cores, %s%n", environment.date(), environment.jdk(),
                environment.cores(), environment.os()));
        out.append("vs baseline: throughput = rate / the DatagramChannel rate at the same size (higher is better); "
                + "round trip = p50 / the DatagramChannel p50 with the same wait, adaptive rows with the blocking "
                + "one (lower is better).\n");
        out.append("JDK: the runtime's feature version and distribution; transport: what the row's sockets ran on "
                + "(udpkit rows: Endpoint.transport(), 'jdk' being the JDK's DatagramChannel).\n");
        out.append("datagram B: the mean UDP payload of the datagrams the sender wrote during the measured rounds "
                + "(udpkit rows): how many messages a datagram packed, and the size path MTU discovery reached.\n");
        out.append("others' CPU: the share of all cores that other processes used while the row ran (Linux); "
                + "a busy machine makes every figure slower and noisier.\n");
        out.append("loss: sent but not received when the round's drain ended; lossless transports (TCP, RELIABLE, "
                + "Aeron) drain until every message arrived or " + BenchRunner.MAX_DRAIN_NANOS / 1_000_000_000
                + " s passed, so loss there means late.\n");
        for (String note : notes) {
            out.append("note: ").append(note).append('\n');
        }
        return out.toString();
    }

    private static String[] row(Result r, BenchEnvironment environment) {
        Scenario s = r.scenario();
        String[] cells = new String[HEADER.length];
        cells[0] = s.kind().label();
        cells[1] = s.mode();
        cells[2] = s.waitMode().label();
        cells[3] = s.payloadBytes() + " B";
        cells[4] = environment.runtime();
        cells[5] = r.transport();
        if (r.isFailed()) {
            cells[6] = "FAILED";
            for (int i = 7; i < cells.length; i++) {
                cells[i] = "";
            }
            return cells;
        }
        Spread rate = r.messagesPerSecond();
        cells[6] = String.format(Locale.ROOT, "%,.0f [%,.0f..%,.0f]", rate.median(), rate.min(), rate.max());
        cells[7] = String.format(Locale.ROOT, "%.1f%%", r.lossRatio() * 100);
        cells[8] = r.ratioToBaseline() == null ? "-"
                : String.format(Locale.ROOT, "%.2fx%s", r.ratioToBaseline(),
                        s.kind() == Scenario.Kind.ROUND_TRIP ? " p50" : "");
        cells[9] = micros(r.p50Micros());
        cells[10] = micros(r.p99Micros());
        cells[11] = micros(r.p999Micros());
        cells[12] = r.datagramBytes() == null ? "" : String.format(Locale.ROOT, "%,.0f", r.datagramBytes());
        cells[13] = r.otherCpuShare() == null ? "?" : String.format(Locale.ROOT, "%.0f%%", r.otherCpuShare() * 100);
        return cells;
    }

    private static String micros(Spread spread) {
        return spread == null ? "" : String.format(Locale.ROOT, "%.1f", spread.median());
    }
}
