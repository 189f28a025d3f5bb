package io.github.udpkit.core.transport;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkState;

import io.github.udpkit.api.DeliveryMode;
import io.github.udpkit.api.Send;
import io.github.udpkit.core.Addresses;
import io.github.udpkit.core.wire.WireFormat;
import java.net.InetSocketAddress;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;

/**
 * The {@link Send} an endpoint's {@code send(value)} returns: it collects the mode and channel,
 * checks the caller's choices at once, and dispatches the message when it is addressed.
 *
 * @param <T> the payload type
 */
final class PendingSend<T> implements Send<T> {
    private final DatagramEndpoint<T> endpoint;
    private final T payload;
    private DeliveryMode mode;
    private int channel;
    /** The connection this send is bound to, or null for a send addressed by {@code to}. */
    private final ConnectionHandle<T> connection;

    PendingSend(DatagramEndpoint<T> endpoint, T payload, ConnectionHandle<T> connection) {
        this.endpoint = endpoint;
        this.payload = payload;
        this.connection = connection;
        this.mode = endpoint.settings().mode();
    }

    @Override
    public Send<T> channel(int newChannel) {
        checkChannel(endpoint.settings(), newChannel);
        this.channel = newChannel;
        return this;
    }

    @Override
    public Send<T> mode(DeliveryMode newMode) {
        checkMode(endpoint.settings(), newMode);
        this.mode = newMode;
        return this;
    }

    /** Checks a channel chosen for a send or a batch from an endpoint with these settings. */
    static void checkChannel(EndpointSettings<?> settings, int channel) {
        checkArgument(channel >= 0 && channel <= WireFormat.MAX_CHANNEL, "channel must be in 0..%s: %s",
                WireFormat.MAX_CHANNEL, channel);
        checkArgument(channel == 0 || settings.mode().isFramed(),
                "a RAW endpoint has no channels: open the endpoint in a framed mode to send on channel %s",
                channel);
    }

    /** Checks a mode chosen for a send or a batch from an endpoint with these settings. */
    static void checkMode(EndpointSettings<?> settings, DeliveryMode mode) {
        Objects.requireNonNull(mode, "mode");
        checkArgument(!mode.isFramed() || settings.mode().isFramed(),
                "a RAW endpoint cannot send %s: open the endpoint in a framed mode", mode);
    }

    @Override
    public CompletableFuture<Void> to(String host, int port) {
        return to(Addresses.resolve(host, Addresses.checkPeerPort(port)));
    }

    @Override
    public CompletableFuture<Void> to(InetSocketAddress address) {
        checkState(connection == null, "a send on %s goes to its peer, wherever it is: call toPeer(), not to(%s)",
                connection, address);
        return endpoint.dispatch(payload, mode, channel,
                Addresses.forSending(Addresses.checkPeer(address), endpoint.localAddress()), null, false);
    }

    @Override
    public CompletableFuture<Void> toPeer() {
        if (connection != null) {
            connection.checkOpen();
            return endpoint.dispatch(payload, mode, channel, connection.address, connection, false);
        }
        return endpoint.dispatch(payload, mode, channel, endpoint.defaultPeer(), null, false);
    }
}
