package io.github.udpkit.core.transport;

import java.io.IOException;

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
     */
    static DatagramIo open(EndpointSettings<?> settings) throws IOException {
        return JdkDatagramIo.open(settings);
    }
}
