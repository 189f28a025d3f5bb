package io.github.udpkit.cli;

import io.github.udpkit.api.testing.Proc;
import io.github.udpkit.testkit.NetworkNamespace;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Runs the seeds' Python programs, unchanged, and the udpkit command against each other inside a
 * {@link NetworkNamespace} of their own: the seeds hard-code their ports (12000, 5005, 8888,
 * 12345) and hosts ({@code 'hostname'}, {@code 'localhost'}), and in a private namespace those
 * ports are always free, nothing collides with other tests or programs on the machine, and no
 * datagram leaves it. {@code hostname} resolves to 127.0.0.1 there, as seed 001's post asks the
 * reader to arrange. The scripts are byte-for-byte copies of the seeds' code in
 * {@code src/test/resources/seeds/verbatim/}; the only thing ever added is a value the seed itself
 * reads and leaves to its reader (seed 002's servers use a {@code port} variable they never set).
 */
final class SeedNamespace implements AutoCloseable {

    static final long WAIT_SECONDS = 20;

    private final NetworkNamespace ns;
    private final Path dir;
    private final List<Proc> started = new ArrayList<>();

    private SeedNamespace(NetworkNamespace ns, Path dir) {
        this.ns = ns;
        this.dir = dir;
    }

    /** Creates the namespace, or aborts the test with the reason where this machine cannot. */
    static SeedNamespace create(Path dir) {
        return new SeedNamespace(NetworkNamespace.create(Map.of("hostname", "127.0.0.1")), dir);
    }

    /** The verbatim source of a seed program. */
    static String source(String seed) throws IOException {
        try (InputStream in = SeedNamespace.class.getResourceAsStream("/seeds/verbatim/" + seed)) {
            if (in == null) {
                throw new AssertionError("no seed program " + seed);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    /** Starts a seed program unchanged with {@code python3}. */
    Proc python(String seed) throws IOException {
        return pythonWith("python3", seed, "");
    }

    /**
     * Starts a seed program unchanged with a given interpreter, its code run after {@code prelude}
     * (values the seed reads but leaves to its reader to set).
     */
    Proc pythonWith(String python, String seed, String prelude) throws IOException {
        Path script = dir.resolve(seed);
        Files.writeString(script, source(seed));
        ProcessBuilder pb = prelude.isEmpty() ? ns.command(python, script.toString())
                : ns.command(python, "-c", prelude + "\nexec(compile(open(" + pyString(script) + ", encoding='utf-8').read(), "
                        + pyString(script) + ", 'exec'))");
        pb.environment().put("PYTHONIOENCODING", "utf-8");
        pb.environment().put("PYTHONUNBUFFERED", "1");
        return start(seed, pb);
    }

    /** Starts {@code udpkit ARGS} in a JVM of its own inside the namespace. */
    Proc udpkit(String... args) throws IOException {
        return start("udpkit " + String.join(" ", args), ns.java(Main.class, args));
    }

    /** Any command inside the namespace. */
    Proc command(String name, String... command) throws IOException {
        return start(name, ns.command(command));
    }

    /** Waits, boundedly, until something listens on a port in the namespace ({@code udp} or {@code tcp}). */
    void awaitListening(String protocol, int port) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_SECONDS);
        while (true) {
            Process ss = ns.command("ss", "-Hln", protocol.equals("tcp") ? "-t" : "-u", "sport = :" + port)
                    .redirectErrorStream(true).start();
            String out = new String(ss.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (ss.waitFor(WAIT_SECONDS, TimeUnit.SECONDS) && !out.isBlank()) {
                return;
            }
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError("nothing listens on " + protocol + " port " + port + " within " + WAIT_SECONDS
                        + " s; " + describeAll());
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20)); // polling a condition, bounded above
        }
    }

    private Proc start(String name, ProcessBuilder pb) throws IOException {
        Proc p = Proc.start(name, pb, WAIT_SECONDS);
        started.add(p);
        return p;
    }

    /** What every process printed so far, for failure messages. */
    String describeAll() {
        StringBuilder b = new StringBuilder();
        for (Proc p : started) {
            b.append('\n').append(p.describe());
        }
        return b.toString();
    }

    private static String pyString(Path path) {
        return "'" + path.toString().replace("\\", "\\\\").replace("'", "\\'") + "'";
    }

    @Override
    public void close() {
        for (Proc p : started) {
            p.kill();
        }
        ns.close();
    }
}
