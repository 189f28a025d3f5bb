/**
 * The loopback comparison harness behind {@code udpkit bench} and udp-bench. Not deployed: the
 * CLI's shaded jar carries it. It opens its package to picocli, which reads the options of
 * {@code BenchCommand} and {@code BenchOptions} by reflection.
 *
 * @since 0.1.0
 */
module io.github.udpkit.benchkit {
    requires transitive io.github.udpkit.chat;
    requires com.google.common;
    requires transitive info.picocli;
    // CpuShare reads the process CPU time from com.sun.management when the JDK has it.
    requires jdk.management;

    exports io.github.udpkit.benchkit;
    opens io.github.udpkit.benchkit to info.picocli;
}
