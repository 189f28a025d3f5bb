package io.github.udpkit.cli;

import java.io.FileDescriptor;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;

/**
 * The entry point of {@code udpkit.jar}: configures logging, runs the command, exits with its code.
 *
 * @since 0.1.0
 */
public final class Main {

    private Main() {
    }

    /**
     * Runs the {@code udpkit} command.
     *
     * @param args the command line
     */
    public static void main(String[] args) {
        Verbosity.configureLogging(Verbosity.count(args));
        // UTF-8 on the console whatever the platform default, as the bytes on the wire are UTF-8.
        PrintWriter out = new PrintWriter(new OutputStreamWriter(new FileOutputStream(FileDescriptor.out),
                StandardCharsets.UTF_8), true);
        PrintWriter err = new PrintWriter(new OutputStreamWriter(new FileOutputStream(FileDescriptor.err),
                StandardCharsets.UTF_8), true);
        int code = UdpkitCommand.newCommandLine(new FileInputStream(FileDescriptor.in), System.console() != null, out, err)
                .execute(args);
        out.flush();
        err.flush();
        System.exit(code);
    }
}
