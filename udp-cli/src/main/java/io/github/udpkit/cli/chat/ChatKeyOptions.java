package io.github.udpkit.cli.chat;

import io.github.udpkit.cli.DtlsOptions;
import io.github.udpkit.core.security.Key;
import java.nio.file.Path;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * The room's shared key, {@code --key-file}, of {@code chat} and {@code chat-server}: the same
 * option at both ends, read and checked against {@code --dtls} the same way. A picocli mixin.
 */
final class ChatKeyOptions {

    @Spec(Spec.Target.MIXEE)
    private CommandSpec command;

    @Option(names = "--key-file", paramLabel = "FILE",
            description = "Encrypt and authenticate every datagram with the shared key in FILE (from 'udpkit keygen'); "
                    + "the chat server and its clients use the same key.")
    private Path keyFile;

    /** Whether {@code --key-file} was given. */
    boolean given() {
        return keyFile != null;
    }

    /**
     * Reads the key, when the option was given.
     *
     * @param dtls the command's DTLS options, which secure the traffic themselves
     * @return the key, or null without {@code --key-file}
     * @throws CommandLine.ParameterException if {@code --dtls} was given too
     * @throws IllegalArgumentException naming the file, if it is missing or not a key (one line, exit 2)
     */
    Key read(DtlsOptions dtls) {
        if (keyFile == null) {
            return null;
        }
        if (dtls.given()) {
            throw new CommandLine.ParameterException(command.commandLine(), "--dtls secures the traffic itself: drop --key-file");
        }
        return Key.readFrom(keyFile);
    }
}
