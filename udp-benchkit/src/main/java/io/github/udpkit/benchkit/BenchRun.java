package io.github.udpkit.benchkit;

import java.io.IOException;
import java.io.PrintWriter;
import java.util.List;
import java.util.function.Consumer;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;

/**
 * One benchmark command's run from start to finish, shared by {@code udpkit bench} and udp-bench's
 * {@code Compare}: choose the scenarios, run them with a progress line, print the table, write the
 * JSON.
 *
 * @since 0.1.0
 */
public final class BenchRun {

    private BenchRun() {
    }

    /**
     * Runs a benchmark command.
     *
     * @param spec the command, for its writers and to report bad options against
     * @param options the parsed options
     * @param catalogue the scenarios to choose from
     * @param notes lines printed under the table
     * @return the exit code: 0 if every scenario ran, 1 if one failed or the JSON could not be written
     * @throws CommandLine.ParameterException if an option is out of range or a filter matches nothing
     */
    public static int execute(CommandSpec spec, BenchOptions options, List<Scenario> catalogue, List<String> notes) {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        BenchPlan plan = options.plan(spec);
        if (options.listOnly()) {
            for (Scenario s : catalogue) {
                out.println(s.id() + "  (" + BenchRunner.describe(s) + (s.isBaseline() ? ", baseline" : "") + ")");
            }
            out.flush();
            return 0;
        }
        List<Scenario> chosen;
        try {
            chosen = plan.select(catalogue);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage(), e);
        }
        err.println("udpkit bench: " + chosen.size() + " scenarios, " + plan + "; all traffic on 127.0.0.1");
        ProgressLine progress = new ProgressLine(err);
        List<Result> results = new BenchRunner(plan, progress).run(chosen);
        progress.finish();
        BenchEnvironment environment = BenchEnvironment.current();
        out.print(ResultTable.render(results, environment, notes));
        out.flush();
        int exit = results.stream().anyMatch(Result::isFailed) ? 1 : 0;
        if (options.jsonFile() != null) {
            String command = spec.qualifiedName() + " " + String.join(" ", spec.commandLine().getParseResult().originalArgs());
            try {
                JsonReport.write(options.jsonFile(), results, environment, plan, command.strip());
                err.println("wrote " + options.jsonFile());
            } catch (IOException e) {
                err.println("cannot write " + options.jsonFile() + ": " + e);
                exit = 1;
            }
        }
        err.flush();
        return exit;
    }

    /** A status line rewritten in place with a carriage return. */
    private static final class ProgressLine implements Consumer<String> {
        private final PrintWriter err;
        private int shown;

        ProgressLine(PrintWriter err) {
            this.err = err;
        }

        @Override
        public void accept(String line) {
            err.print("\r" + line + " ".repeat(Math.max(0, shown - line.length())));
            err.flush();
            shown = line.length();
        }

        void finish() {
            err.print("\r" + " ".repeat(shown) + "\r");
            err.flush();
            shown = 0;
        }
    }
}
