package io.github.udpkit.cli;

import io.github.udpkit.benchkit.BenchCommand;
import io.github.udpkit.cli.chat.ChatCommand;
import io.github.udpkit.cli.chat.ChatServerCommand;
import java.io.InputStream;
import java.io.PrintWriter;
import java.time.ZoneId;
import java.util.Objects;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;

/**
 * The {@code udpkit} command: its subcommands, the options every subcommand shares, and what it
 * reads from (standard input, whether that is a terminal).
 *
 * <p>Build it with {@link #newCommandLine}, which installs the error handling that turns every failure
 * into one line and an exit code: 0 done, 1 unexpected error or a reply that never came, 2 bad usage,
 * unknown host, port in use.
 */
@Command(
        name = "udpkit",
        mixinStandardHelpOptions = true,
        scope = ScopeType.INHERIT,
        versionProvider = VersionProvider.class,
        sortOptions = false,
        usageHelpAutoWidth = true,
        description = "Messaging over UDP: echo servers, send and listen, an interactive client, chat rooms, "
                + "benchmarks, a demo, keys.",
        subcommands = {
            EchoServerCommand.class,
            SendCommand.class,
            ListenCommand.class,
            ClientCommand.class,
            DemoCommand.class,
            BenchCommand.class,
            ChatServerCommand.class,
            KeygenCommand.class,
            DiscoverCommand.class,
        },
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            "0:done",
            "1:an unexpected error, a reply that did not come in time, or a reliable message not acknowledged",
            "2:bad arguments, unknown host, port in use, network error",
        },
        footer = {"", "Every DURATION option reads one grammar: a number and a unit, like 250ms, 2s, 1.5s, 1m or 1h, "
                + "or ISO-8601 such as PT2S; at most a day.",
            "", "Run 'udpkit COMMAND --help' for a command's options. Start with 'udpkit demo'."})
final class UdpkitCommand implements Runnable {

    @Spec
    private CommandSpec spec;

    @Option(names = {"-v", "--verbose"}, scope = ScopeType.INHERIT,
            description = "More output: per-message lines, debug logs (-vv: trace), stack traces of errors.")
    private boolean[] verbose = new boolean[0];

    private InputStream stdin = InputStream.nullInputStream();
    private boolean interactive;

    /**
     * Creates the command line with its error handling.
     *
     * @param stdin what {@code send} and {@code client} read lines from
     * @param interactive whether stdin is a terminal, so {@code client} prompts
     * @param out standard output
     * @param err standard error
     * @return the command line, ready to {@code execute}
     */
    static CommandLine newCommandLine(InputStream stdin, boolean interactive, PrintWriter out, PrintWriter err) {
        UdpkitCommand root = new UdpkitCommand();
        root.stdin = Objects.requireNonNull(stdin, "stdin");
        root.interactive = interactive;
        ErrorReporter errors = new ErrorReporter();
        return new CommandLine(root)
                .addSubcommand(new ChatCommand(root.stdin, ZoneId.systemDefault()))
                .setOut(out)
                .setErr(err)
                .setParameterExceptionHandler(errors)
                .setExecutionExceptionHandler(errors);
    }

    @Override
    public void run() {
        throw new ParameterException(spec.commandLine(),
                "missing command: one of echo-server, send, listen, client, chat-server, chat, demo, bench, keygen");
    }

    /** How many times {@code -v} was given. */
    int verbosity() {
        return verbose.length;
    }

    InputStream stdin() {
        return stdin;
    }

    boolean interactive() {
        return interactive;
    }
}
