package io.github.udpkit.core.transport;

import io.github.udpkit.core.internal.linux.LinuxUdpSocket;
import java.io.IOException;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Chooses and opens an endpoint's transport, JDK 22 and later: the batched Linux transport
 * ({@link LinuxFfmDatagramIo}) where it runs and the endpoint asks nothing of it that it lacks,
 * else the JDK's {@code DatagramChannel}. The multi-release jar's base version of this class, for
 * JDK 17 to 21, always opens the JDK's.
 */
final class DatagramIoFactory {

    /** The system property that turns batched I/O off for every endpoint: {@code udpkit.transport=jdk}. */
    static final String TRANSPORT_PROPERTY = "udpkit.transport";
    private static final Logger LOG = LoggerFactory.getLogger(DatagramIoFactory.class);

    private DatagramIoFactory() {
    }

    /**
     * Opens the transport the settings call for; the batched one falls back to the JDK's when its
     * socket cannot be made.
     *
     * @param settings the endpoint's settings
     * @return the bound transport
     * @throws IOException if the socket cannot be opened, configured or bound
     * @throws IllegalArgumentException if {@code udpkit.transport} names no transport
     */
    static DatagramIo open(EndpointSettings<?> settings) throws IOException {
        String reason = whyNotBatched(settings);
        if (reason == null) {
            try {
                return LinuxFfmDatagramIo.open(settings);
            } catch (IOException | RuntimeException | LinkageError e) {
                // The JDK's channel will say the same if the bind itself is what failed.
                LOG.debug("batched transport unavailable for {}, using the JDK's: {}", settings.bindAddress(), e.toString());
            }
        } else {
            LOG.debug("endpoint on {} uses the JDK's transport: {}", settings.bindAddress(), reason);
        }
        return JdkDatagramIo.open(settings);
    }

    /** Why the endpoint runs on the JDK's transport, or null when it may run on the batched one. */
    private static String whyNotBatched(EndpointSettings<?> settings) {
        String property = System.getProperty(TRANSPORT_PROPERTY, "auto").trim().toLowerCase(Locale.ROOT);
        if (!property.equals("auto") && !property.equals("jdk")) {
            throw new IllegalArgumentException(TRANSPORT_PROPERTY + " must be jdk or auto: " + property);
        }
        if (property.equals("jdk")) {
            return TRANSPORT_PROPERTY + "=jdk";
        }
        if (!settings.batchedIo()) {
            return "batchedIo(false)";
        }
        EndpointSettings.Multicast multicast = settings.multicast();
        if (!multicast.groups().isEmpty() || multicast.networkInterface() != null || multicast.ttl() >= 0
                || multicast.loopback() != null) {
            return "multicast, which the JDK's channel joins and configures";
        }
        if (settings.dtls() != null) {
            return "DTLS, not yet tried on the batched transport";
        }
        return LinuxUdpSocket.unavailableReason();
    }
}
