/**
 * The {@code udpkit} command. An application, not a library: it exports nothing, and opens its
 * command packages to picocli, which reads their annotations and sets their fields by reflection.
 *
 * @since 0.1.0
 */
module io.github.udpkit.cli {
    requires io.github.udpkit.chat;
    requires com.google.common;
    requires info.picocli;
    // CpuShare reads the process CPU time from com.sun.management when the JDK has it.
    requires jdk.management;
    requires org.slf4j;

    opens io.github.udpkit.cli to info.picocli;
    opens io.github.udpkit.cli.bench to info.picocli;
    opens io.github.udpkit.cli.chat to info.picocli;
}
