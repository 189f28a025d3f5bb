package io.github.udpkit.benchkit;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Objects;

/**
 * Where and when a run happened, stamped on every JSON record and under the table, because a
 * figure means nothing without the machine and JDK that produced it.
 *
 * @param date when the run finished, UTC, to the second
 * @param jdk the Java runtime's version and VM
 * @param cores the processors available to the JVM
 * @param os the operating system's name, version and architecture
 * @since 0.1.0
 */
public record BenchEnvironment(Instant date, String jdk, int cores, String os) {

    /** Checks that nothing is missing. */
    public BenchEnvironment {
        Objects.requireNonNull(date, "date");
        Objects.requireNonNull(jdk, "jdk");
        Objects.requireNonNull(os, "os");
    }

    /**
     * This JVM's environment, now.
     *
     * @return the environment
     */
    public static BenchEnvironment current() {
        String jdk = Runtime.version() + " (" + System.getProperty("java.vm.name", "?") + ", "
                + System.getProperty("java.vm.vendor", "?") + ")";
        String os = System.getProperty("os.name", "?") + " " + System.getProperty("os.version", "?") + " "
                + System.getProperty("os.arch", "?");
        return new BenchEnvironment(Instant.now().truncatedTo(ChronoUnit.SECONDS), jdk,
                Runtime.getRuntime().availableProcessors(), os);
    }
}
