package io.github.udpkit.benchkit;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Locale;
import java.util.Objects;

/**
 * Where and when a run happened, stamped on every JSON record and under the table, because a
 * figure means nothing without the machine and JDK that produced it.
 *
 * @param date when the run finished, UTC, to the second
 * @param jdk the Java runtime's version and VM
 * @param runtime the JDK in the short form every row shows: feature version and distribution,
 *     such as {@code "17 OpenJDK"} or {@code "25 Temurin"}
 * @param cores the processors available to the JVM
 * @param os the operating system's name, version and architecture
 * @since 0.1.0
 */
public record BenchEnvironment(Instant date, String jdk, String runtime, int cores, String os) {

    /** Checks that nothing is missing. */
    public BenchEnvironment {
        Objects.requireNonNull(date, "date");
        Objects.requireNonNull(jdk, "jdk");
        Objects.requireNonNull(runtime, "runtime");
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
        String runtime = runtimeLabel(Runtime.version().feature(), System.getProperty("java.vendor.version"),
                System.getProperty("java.vm.name", "?"), System.getProperty("java.vendor", "?"));
        return new BenchEnvironment(Instant.now().truncatedTo(ChronoUnit.SECONDS), jdk, runtime,
                Runtime.getRuntime().availableProcessors(), os);
    }

    /**
     * The short name of a JDK: its feature version and its distribution. A distribution that names
     * itself in {@code java.vendor.version} (Temurin, Corretto, Zulu, GraalVM) is called so; a
     * build that does not (Debian's and other Linux distributions' packages of OpenJDK) is called
     * by its VM, OpenJDK, as the same source built by a packager is the same JDK; Oracle's
     * HotSpot builds say Oracle.
     *
     * @param feature the feature release, such as 17
     * @param vendorVersion {@code java.vendor.version}, or null where the build sets none
     * @param vmName {@code java.vm.name}
     * @param vendor {@code java.vendor}
     * @return such as {@code "25 Temurin"}
     */
    static String runtimeLabel(int feature, String vendorVersion, String vmName, String vendor) {
        String name;
        if (vendorVersion != null && !vendorVersion.isBlank() && Character.isLetter(vendorVersion.charAt(0))) {
            int end = 0;
            while (end < vendorVersion.length() && Character.isLetter(vendorVersion.charAt(end))) {
                end++;
            }
            name = vendorVersion.substring(0, end);
        } else if (vmName.startsWith("OpenJDK")) {
            name = "OpenJDK";
        } else if (vmName.startsWith("Java HotSpot")) {
            name = "Oracle";
        } else {
            String first = vendor.strip().split("\\s+", 2)[0];
            name = first.isEmpty() ? "?" : first;
        }
        return String.format(Locale.ROOT, "%d %s", feature, name);
    }
}
