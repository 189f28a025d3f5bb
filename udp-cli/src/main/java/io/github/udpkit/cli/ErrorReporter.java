package io.github.udpkit.cli;

import io.github.udpkit.api.UdpException;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.net.UnknownHostException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import picocli.CommandLine;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.IParameterExceptionHandler;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;

/**
 * Turns every failure into one line on standard error, {@code udpkit: what went wrong}, and an exit
 * code: 2 for what the user can fix (bad arguments, unknown hosts, ports in use, I/O errors of the
 * network), 1 for anything unexpected. A stack trace follows only with {@code -v}.
 */
final class ErrorReporter implements IParameterExceptionHandler, IExecutionExceptionHandler {

    static final int USAGE = 2;
    static final int FAILURE = 1;

    @Override
    public int handleParseException(ParameterException ex, String[] args) {
        CommandLine cl = ex.getCommandLine();
        String name = cl.getCommandSpec().qualifiedName();
        PrintWriter err = cl.getErr();
        err.println("udpkit: " + oneLine(ex.getMessage()) + " (see '" + name + " --help')");
        if (verbosity(cl) > 0) {
            ex.printStackTrace(err);
        }
        err.flush();
        return USAGE;
    }

    @Override
    public int handleExecutionException(Exception ex, CommandLine cl, ParseResult parseResult) {
        Throwable cause = unwrap(ex);
        PrintWriter err = cl.getErr();
        int code;
        if (cause instanceof CliException || cause instanceof IllegalArgumentException
                || cause instanceof UdpException || cause instanceof IOException) {
            err.println("udpkit: " + oneLine(messageOf(cause)));
            code = USAGE;
        } else {
            err.println("udpkit: unexpected error: " + oneLine(cause.toString())
                    + (verbosity(cl) > 0 ? "" : " (run with -v for details)"));
            code = FAILURE;
        }
        if (verbosity(cl) > 0) {
            cause.printStackTrace(err);
        }
        err.flush();
        return code;
    }

    private static Throwable unwrap(Throwable t) {
        Throwable c = t;
        while ((c instanceof CompletionException || c instanceof ExecutionException
                || c instanceof UncheckedIOException) && c.getCause() != null) {
            c = c.getCause();
        }
        return c;
    }

    private static String messageOf(Throwable t) {
        String m = t.getMessage();
        if (m == null || m.isBlank()) {
            return t.getClass().getSimpleName();
        }
        if (t instanceof UnknownHostException) {
            return "unknown host: " + m;
        }
        return m;
    }

    private static String oneLine(String s) {
        return String.valueOf(s).replaceAll("\\s*[\\r\\n]+\\s*", " ").strip();
    }

    private static int verbosity(CommandLine cl) {
        Object root = cl.getCommandSpec().root().userObject();
        return root instanceof UdpkitCommand u ? u.verbosity() : 0;
    }
}
