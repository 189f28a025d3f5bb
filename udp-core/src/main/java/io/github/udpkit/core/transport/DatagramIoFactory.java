package io.github.udpkit.core.transport;

import java.io.IOException;
import java.util.Locale;

/**
 * Chooses and opens an endpoint's transport. On JDK 17 to 21 it is always the JDK's
 * {@code DatagramChannel}; the multi-release jar carries a class of this name for JDK 22 and later
 * ({@code META-INF/versions/22}) that opens the batched Linux transport where it can.
 */
final class DatagramIoFactory {

    /** The system property that turns batched I/O off for every endpoint: {@code udpkit.transport=jdk}. */
    static final String TRANSPORT_PROPERTY = "udpkit.transport";

    private DatagramIoFactory() {
    }

    /**
     * Opens the transport the settings call for.
     *
     * @param settings the endpoint's settings
     * @return the bound transport
     * @throws IOException if the socket cannot be opened, configured or bound
     * @throws IllegalArgumentException if {@code udpkit.transport} names no transport
     */
    static DatagramIo open(EndpointSettings<?> settings) throws IOException {
        String property = System.getProperty(TRANSPORT_PROPERTY, "auto").trim().toLowerCase(Locale.ROOT);
        if (!property.equals("auto") && !property.equals("jdk")) {
            throw new IllegalArgumentException(TRANSPORT_PROPERTY + " must be jdk or auto: " + property);
        }
        return JdkDatagramIo.open(settings);
    }
}
