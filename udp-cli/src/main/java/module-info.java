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
    // An optional dependency: the shaded udpkit.jar carries it, the published artifact does not.
    requires static io.github.udpkit.benchkit;
    requires org.slf4j;

    opens io.github.udpkit.cli to info.picocli;
    opens io.github.udpkit.cli.chat to info.picocli;
}
