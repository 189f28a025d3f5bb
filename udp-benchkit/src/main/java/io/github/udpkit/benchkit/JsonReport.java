package io.github.udpkit.benchkit;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * Writes results as JSON: an array with one self-contained record per scenario (its figures, its
 * ratio to the baseline, the transport it ran on, and the date, JDK and cores of the run), which {@code udp-bench/plot.py}
 * and other tools read. Written by hand to keep the CLI free of a JSON library; strings are escaped
 * per RFC 8259 and figures that do not exist are {@code null}.
 *
 * @since 0.1.0
 */
public final class JsonReport {

    private JsonReport() {
    }

    /**
     * Writes the report to a file, replacing it.
     *
     * @param file where to write
     * @param results the results
     * @param environment where the run happened
     * @param plan how it was measured
     * @param command the command line that produced it, for the record
     * @throws IOException if the file cannot be written
     */
    public static void write(Path file, List<Result> results, BenchEnvironment environment, BenchPlan plan,
                             String command) throws IOException {
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        Files.writeString(file, toJson(results, environment, plan, command), StandardCharsets.UTF_8);
    }

    /**
     * Renders the report.
     *
     * @param results the results
     * @param environment where the run happened
     * @param plan how it was measured
     * @param command the command line that produced it
     * @return a JSON array, one object per result, ending with a newline
     */
    public static String toJson(List<Result> results, BenchEnvironment environment, BenchPlan plan, String command) {
        Objects.requireNonNull(environment, "environment");
        StringBuilder out = new StringBuilder("[");
        for (int i = 0; i < results.size(); i++) {
            out.append(i == 0 ? "\n  " : ",\n  ");
            record(out, results.get(i), environment, plan, command);
        }
        return out.append(results.isEmpty() ? "]\n" : "\n]\n").toString();
    }

    private static void record(StringBuilder out, Result r, BenchEnvironment env, BenchPlan plan, String command) {
        Scenario s = r.scenario();
        Fields f = new Fields(out);
        f.string("id", s.id());
        f.string("scenario", s.kind().label());
        f.string("mode", s.mode());
        f.string("wait", s.waitMode().label());
        f.number("payloadBytes", s.payloadBytes());
        f.bool("baseline", s.isBaseline());
        f.number("receivers", s.receivers());
        if (s.maxDatagramBytes().isPresent()) {
            f.number("maxDatagramBytes", s.maxDatagramBytes().getAsInt());
        } else {
            f.string("maxDatagramBytes", null);
        }
        Spread rate = r.messagesPerSecond();
        f.number("messagesPerSecond", rate == null ? Double.NaN : rate.median(), 1);
        f.number("messagesPerSecondMin", rate == null ? Double.NaN : rate.min(), 1);
        f.number("messagesPerSecondMax", rate == null ? Double.NaN : rate.max(), 1);
        f.number("lossRatio", r.lossRatio(), 6);
        spread(f, "p50Micros", r.p50Micros());
        spread(f, "p99Micros", r.p99Micros());
        spread(f, "p999Micros", r.p999Micros());
        f.number("ratioToBaseline", r.ratioToBaseline() == null ? Double.NaN : r.ratioToBaseline(), 4);
        f.string("ratioOf", r.ratioOf());
        f.string("reference", s.referenceId().orElse(null));
        f.number("ratioToReference", r.ratioToReference() == null ? Double.NaN : r.ratioToReference(), 4);
        f.number("rounds", r.rounds());
        f.number("roundMillis", plan.round().toMillis());
        f.number("warmupMillis", plan.warmup().toMillis());
        f.string("failure", r.failure());
        f.number("otherCpuShare", r.otherCpuShare() == null ? Double.NaN : r.otherCpuShare(), 3);
        f.number("openMillis", r.openMillis() == null ? Double.NaN : r.openMillis(), 0);
        f.string("date", env.date().toString());
        f.string("jdk", env.jdk());
        f.number("cores", env.cores());
        f.string("os", env.os());
        f.string("runtime", env.runtime());
        f.string("transport", r.transport());
        f.number("datagramBytes", r.datagramBytes() == null ? Double.NaN : r.datagramBytes(), 1);
        f.string("command", command);
        out.append('}');
    }

    private static void spread(Fields f, String name, Spread spread) {
        f.number(name, spread == null ? Double.NaN : spread.median(), 3);
        f.number(name + "Min", spread == null ? Double.NaN : spread.min(), 3);
        f.number(name + "Max", spread == null ? Double.NaN : spread.max(), 3);
    }

    /** Appends the fields of one object, with the braces and commas in the right places. */
    private static final class Fields {
        private final StringBuilder out;
        private boolean first = true;

        Fields(StringBuilder out) {
            this.out = out;
            out.append('{');
        }

        private void name(String name) {
            out.append(first ? "" : ", ");
            first = false;
            quote(out, name);
            out.append(": ");
        }

        void string(String name, String value) {
            name(name);
            if (value == null) {
                out.append("null");
            } else {
                quote(out, value);
            }
        }

        void number(String name, long value) {
            name(name);
            out.append(value);
        }

        void number(String name, double value, int decimals) {
            name(name);
            out.append(Double.isFinite(value) ? String.format(Locale.ROOT, "%." + decimals + "f", value) : "null");
        }

        void bool(String name, boolean value) {
            name(name);
            out.append(value);
        }
    }

    /**
     * Appends a JSON string literal: quotes, backslashes and control characters escaped, and the
     * line and paragraph separators too, so the text is also valid JavaScript.
     *
     * @param out where to append
     * @param value the text
     */
    static void quote(StringBuilder out, String value) {
        out.append('"');
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                case '\b' -> out.append("\\b");
                case '\f' -> out.append("\\f");
                default -> {
                    if (c < 0x20 || c == '\u2028' || c == '\u2029') {
                        out.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        out.append('"');
    }
}
