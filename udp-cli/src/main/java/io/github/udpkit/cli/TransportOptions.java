package io.github.udpkit.cli;

import io.github.udpkit.api.Codec;
import io.github.udpkit.api.Codecs;
import io.github.udpkit.api.DeliveryMode;
import io.github.udpkit.api.EndpointStats;
import io.github.udpkit.core.Durations;
import io.github.udpkit.core.EndpointBuilder;
import io.github.udpkit.core.security.Fernet;
import io.github.udpkit.core.security.Key;
import io.github.udpkit.core.transport.Impairments;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * The options every UDP command shares (send, listen, echo-server, client): the delivery mode,
 * impairments of the endpoint's own traffic, the keys, and {@code --stats}. A picocli mixin; it
 * turns them into endpoint settings and a codec, and checks that they fit together.
 *
 * <p>Keys are read when the command runs, not when it is parsed, so a missing or bad key file is
 * reported as one line (exit 2) naming the file, and the key itself never appears in a message.
 */
final class TransportOptions {

    /** The largest seed chosen when none is given: short enough to retype. */
    private static final int RANDOM_SEED_BOUND = 1_000_000;

    @Spec(Spec.Target.MIXEE)
    private CommandSpec command;

    @Option(names = "--mode", paramLabel = "MODE", converter = Converters.ModeConverter.class,
            completionCandidates = Converters.ModeNames.class,
            description = "Delivery mode, the same at both ends: ${COMPLETION-CANDIDATES}. Default raw (plain "
                    + "datagrams, as any UDP program sends them), or reliable with --key-file.")
    private DeliveryMode mode;

    @Option(names = "--reliable", description = "Short for --mode reliable: acknowledged, retransmitted, in order, once.")
    private boolean reliable;

    @Option(names = "--key-file", paramLabel = "FILE",
            description = "Encrypt and authenticate with the shared key in FILE (from 'udpkit keygen'); framed "
                    + "modes only, so it makes the mode reliable unless --mode says otherwise.")
    private Path keyFile;

    @Option(names = "--fernet-key-file", paramLabel = "FILE",
            description = "Send and expect Fernet tokens under the key in FILE, as Python's cryptography.fernet "
                    + "does (use with raw mode to talk to Python programs).")
    private Path fernetKeyFile;

    @Option(names = "--loss", paramLabel = "P", converter = Converters.ProbabilityConverter.class,
            description = "Impair this endpoint's own traffic, both ways: lose each datagram with probability P "
                    + "(0.2 or 20%%).")
    private Double loss;

    @Option(names = "--duplicate", paramLabel = "P", converter = Converters.ProbabilityConverter.class,
            description = "Impair: deliver each datagram twice with probability P.")
    private Double duplicate;

    @Option(names = "--delay", paramLabel = "DURATION", converter = DurationConverter.class,
            description = "Impair: delay each datagram, each way, by DURATION (e.g. 50ms).")
    private Duration delay;

    @Option(names = "--seed", paramLabel = "N",
            description = "Seed of the impairments, to replay a run (default: a random one, shown by --stats and -v).")
    private Long seed;

    @Mixin
    private DtlsOptions dtls;

    @Option(names = "--transport", paramLabel = "NAME",
            description = "The socket's I/O: auto (the default: batched sendmmsg/recvmmsg with GSO/GRO on Linux "
                    + "with JDK 22+, else the JDK's) or jdk (the JDK's DatagramChannel, one datagram a system call).")
    private String transport = "auto";

    @Option(names = "--stats", description = "On exit, print to standard error what was sent, received, "
            + "retransmitted and dropped, and the round-trip time.")
    private boolean stats;

    private Impairments impairments;
    private Key key;
    private Fernet fernet;
    private boolean resolved;

    /**
     * Checks that the options fit together and reads the key files.
     *
     * @throws ParameterException if they contradict each other
     * @throws CliException if a key file is missing or not a key
     */
    void resolve() {
        if (resolved) {
            return;
        }
        if (reliable && mode != null && mode != DeliveryMode.RELIABLE) {
            throw usage("--reliable contradicts --mode " + Converters.ModeConverter.name(mode));
        }
        if (keyFile != null && fernetKeyFile != null) {
            throw usage("use --key-file or --fernet-key-file, not both");
        }
        if (keyFile != null && mode() == DeliveryMode.RAW) {
            throw usage("--key-file encrypts udpkit frames, so it needs a framed mode (e.g. --mode reliable); "
                    + "raw datagrams are encrypted with --fernet-key-file");
        }
        if (dtls.given()) {
            if (keyFile != null || fernetKeyFile != null) {
                throw usage("--dtls secures the traffic itself: drop " + (keyFile != null ? "--key-file" : "--fernet-key-file"));
            }
        }
        dtls.check(command.commandLine());
        if (!transport.equals("auto") && !transport.equals("jdk")) {
            throw usage("--transport must be auto or jdk: " + transport);
        }
        if (seed != null && !impaired()) {
            throw usage("--seed " + seed + " seeds the impairments: add --loss, --duplicate or --delay");
        }
        if (delay != null && delay.compareTo(Impairments.MAX_DELAY) > 0) {
            throw usage("--delay must be at most " + Durations.format(Impairments.MAX_DELAY) + ": "
                    + Durations.format(delay));
        }
        if (impaired()) {
            Impairments.Builder b = Impairments.builder()
                    .seed(seed != null ? seed : ThreadLocalRandom.current().nextInt(RANDOM_SEED_BOUND));
            if (loss != null) {
                if (loss >= 1) {
                    throw usage("--loss must be below 1 (100%), or nothing would get through: " + loss);
                }
                b.loss(loss);
            }
            if (duplicate != null) {
                b.duplicate(duplicate);
            }
            if (delay != null) {
                b.delay(delay);
            }
            impairments = b.build();
        }
        try {
            if (keyFile != null) {
                key = Key.readFrom(keyFile);
            }
            if (fernetKeyFile != null) {
                fernet = Fernet.fromKeyFile(fernetKeyFile);
            }
        } catch (IllegalArgumentException e) {
            throw new CliException(e.getMessage(), e);
        }
        resolved = true;
    }

    /**
     * Makes this command the DTLS server of its endpoint: --cert and --key are its identity.
     *
     * @return this
     */
    TransportOptions asServer() {
        dtls.asServer();
        return this;
    }

    /**
     * Makes this command a DTLS client of a host: the name it checks, unless --server-name says otherwise.
     *
     * @param host the host as the user gave it
     * @return this
     */
    TransportOptions asClientOf(String host) {
        dtls.asClientOf(host);
        return this;
    }

    /** The delivery mode the options choose. */
    DeliveryMode mode() {
        if (reliable) {
            return DeliveryMode.RELIABLE;
        }
        if (mode != null) {
            return mode;
        }
        return keyFile != null ? DeliveryMode.RELIABLE : DeliveryMode.RAW;
    }

    /**
     * Applies the mode, the impairments and the key to a builder.
     *
     * @return the builder
     */
    <T> EndpointBuilder<T> configure(EndpointBuilder<T> builder) {
        resolve();
        builder.mode(mode());
        builder.batchedIo(transport.equals("auto"));
        if (impairments != null) {
            builder.impairments(impairments);
        }
        if (key != null) {
            builder.encryption(key);
        }
        dtls.configure(builder, command.commandLine());
        return builder;
    }

    /** The codec of text messages: UTF-8, inside Fernet tokens with {@code --fernet-key-file}. */
    Codec<String> textCodec() {
        resolve();
        return fernet != null ? fernet.asUtf8Codec() : Codecs.utf8();
    }

    /** The codec of byte messages: as they are, or inside Fernet tokens with {@code --fernet-key-file}. */
    Codec<byte[]> bytesCodec() {
        resolve();
        return fernet != null ? fernet.asCodec() : Codecs.bytes();
    }

    /** What a message the codec cannot decode is called in the stats. */
    String undecodable(boolean text) {
        return fernet != null ? "not Fernet tokens of this key" : text ? "not UTF-8" : "undecodable";
    }

    /** Whether {@code --stats} was given. */
    boolean stats() {
        return stats;
    }

    /** The impairments the options set, if any. */
    Optional<Impairments> impairments() {
        resolve();
        return Optional.ofNullable(impairments);
    }

    /**
     * Prints the stats block when {@code --stats} was given.
     *
     * @param extraMessages more of the messages line, e.g. {@code "printed 3"}, or empty
     */
    void printStats(PrintWriter err, EndpointStats s, boolean text, String extraMessages) {
        printStats(err, s, undecodable(text), extraMessages);
    }

    /**
     * Prints the stats block when {@code --stats} was given, naming decode failures as the caller says.
     *
     * @param undecodable what a decode failure means, e.g. {@code "not signed"}
     * @param extraMessages more of the messages line, or empty
     */
    void printStats(PrintWriter err, EndpointStats s, String undecodable, String extraMessages) {
        if (stats) {
            StatsReport.print(err, describe(), s, undecodable, extraMessages);
        }
    }

    /** The mode, impairments and keys in words: {@code reliable; loss 30%, seed 7; key 1a2b3c4d}. */
    String describe() {
        resolve();
        StringBuilder b = new StringBuilder(Converters.ModeConverter.name(mode()));
        if (impairments != null) {
            b.append("; ").append(impairments);
        }
        if (key != null) {
            b.append("; encrypted, key ").append(key.fingerprint());
        }
        if (fernet != null) {
            b.append("; Fernet tokens");
        }
        if (dtls.given()) {
            b.append("; DTLS 1.2");
        }
        return b.toString();
    }

    /**
     * Checks the options of a command that serves UDP, or TCP when {@code tcp} is set: over TCP none
     * of them applies, so giving one is a mistake.
     *
     * @param tcp whether the command runs over TCP
     * @throws ParameterException naming the first option that does not apply, or as {@link #resolve()}
     * @throws CliException as {@link #resolve()}
     */
    void resolve(boolean tcp) {
        if (!tcp) {
            resolve();
            return;
        }
        Optional<String> udpOnly = firstGiven();
        if (udpOnly.isPresent()) {
            throw usage(udpOnly.get() + " applies to UDP, not to --tcp");
        }
    }

    /** The first of these options given, e.g. {@code "--mode"}, or empty if none was. */
    private Optional<String> firstGiven() {
        List<String> given = new ArrayList<>();
        addIf(given, mode != null, "--mode");
        addIf(given, reliable, "--reliable");
        addIf(given, keyFile != null, "--key-file");
        addIf(given, fernetKeyFile != null, "--fernet-key-file");
        addIf(given, loss != null, "--loss");
        addIf(given, duplicate != null, "--duplicate");
        addIf(given, delay != null, "--delay");
        addIf(given, seed != null, "--seed");
        addIf(given, stats, "--stats");
        addIf(given, dtls.given(), "--dtls");
        return given.stream().findFirst();
    }

    private boolean impaired() {
        return loss != null || duplicate != null || delay != null;
    }

    private ParameterException usage(String message) {
        return new ParameterException(command.commandLine(), message);
    }

    private static void addIf(List<String> list, boolean condition, String name) {
        if (condition) {
            list.add(name);
        }
    }
}
