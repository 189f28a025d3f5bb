package io.github.udpkit.core.transport;

import java.io.IOException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ProtocolFamily;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.util.List;
import java.util.function.Consumer;

/**
 * The JDK's transport: a non-blocking {@code DatagramChannel}, one datagram a system call, and a
 * {@code Selector} to wait on. Runs everywhere; {@link #queue} writes at once, so nothing waits
 * for {@link #flush}.
 */
final class JdkDatagramIo implements DatagramIo {

    /** The transport's name in {@code Endpoint.transport()}. */
    static final String NAME = "jdk";
    /** The one key is the channel's, and readiness is acted on by reading: the selection itself is not needed. */
    private static final Consumer<SelectionKey> IGNORE_KEY = key -> { };

    private final DatagramChannel channel;
    private final Selector selector;
    private final SelectionKey key;

    private JdkDatagramIo(DatagramChannel channel, Selector selector) throws IOException {
        this.channel = channel;
        this.selector = selector;
        this.key = channel.register(selector, SelectionKey.OP_READ);
    }

    /**
     * Opens, configures and binds a channel as the settings describe.
     *
     * @param settings the endpoint's settings
     * @return the bound transport
     * @throws IOException if the socket cannot be opened, configured or bound
     */
    static JdkDatagramIo open(EndpointSettings<?> settings) throws IOException {
        DatagramChannel channel = null;
        Selector selector = null;
        try {
            channel = openChannel(settings.bindAddress(), settings.multicast());
            if (settings.reuseAddress()) {
                channel.setOption(StandardSocketOptions.SO_REUSEADDR, true);
            }
            if (settings.receiveBufferSize() > 0) {
                channel.setOption(StandardSocketOptions.SO_RCVBUF, settings.receiveBufferSize());
            }
            if (settings.sendBufferSize() > 0) {
                channel.setOption(StandardSocketOptions.SO_SNDBUF, settings.sendBufferSize());
            }
            if (settings.broadcast()) {
                channel.setOption(StandardSocketOptions.SO_BROADCAST, true);
            }
            EndpointSettings.Multicast multicast = settings.multicast();
            if (multicast.networkInterface() != null) {
                channel.setOption(StandardSocketOptions.IP_MULTICAST_IF, multicast.networkInterface());
            }
            if (multicast.ttl() >= 0) {
                channel.setOption(StandardSocketOptions.IP_MULTICAST_TTL, multicast.ttl());
            }
            if (multicast.loopback() != null) {
                channel.setOption(StandardSocketOptions.IP_MULTICAST_LOOP, multicast.loopback());
            }
            channel.bind(settings.bindAddress());
            channel.configureBlocking(false);
            selector = Selector.open();
            return new JdkDatagramIo(channel, selector);
        } catch (IOException | RuntimeException e) {
            closeQuietly(selector, e);
            closeQuietly(channel, e);
            throw e;
        }
    }

    private static DatagramChannel openChannel(InetSocketAddress bind, EndpointSettings.Multicast multicast)
            throws IOException {
        List<InetAddress> groups = multicast.groups();
        if (!groups.isEmpty()) {
            // A multicast socket speaks its group's family: joining an IPv4 group on an IPv6 socket
            // is not portable, and the builder has checked that the bind address agrees.
            return DatagramChannel.open(familyOf(groups.get(0)));
        }
        InetAddress address = bind.getAddress();
        boolean multicastOptions = multicast.networkInterface() != null || multicast.ttl() >= 0
                || multicast.loopback() != null;
        if (multicastOptions && address != null && !(address instanceof Inet6Address)) {
            // 0.0.0.0 with multicast options: an IPv4 socket, whose IP_MULTICAST_* options apply as set.
            return DatagramChannel.open(StandardProtocolFamily.INET);
        }
        if (address == null || address.isAnyLocalAddress() && address instanceof Inet6Address) {
            return DatagramChannel.open(); // dual-stack where the system has IPv6
        }
        if (address.isAnyLocalAddress()) {
            return DatagramChannel.open(); // 0.0.0.0 given as such: the dual-stack socket serves IPv4 too
        }
        return DatagramChannel.open(familyOf(address));
    }

    private static ProtocolFamily familyOf(InetAddress address) {
        return address instanceof Inet6Address ? StandardProtocolFamily.INET6 : StandardProtocolFamily.INET;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public InetSocketAddress localAddress() throws IOException {
        return (InetSocketAddress) channel.getLocalAddress();
    }

    @Override
    public InetSocketAddress receive(ByteBuffer buffer) throws IOException {
        return (InetSocketAddress) channel.receive(buffer);
    }

    @Override
    public boolean queue(ByteBuffer datagram, InetSocketAddress to) throws IOException {
        int position = datagram.position();
        int length = datagram.remaining();
        int written = channel.send(datagram, to);
        datagram.position(position); // no duplicate: a buffer object per datagram is what the hot path avoids
        return written > 0 || length == 0;
    }

    @Override
    public void flush() {
        // queue() wrote every datagram already
    }

    @Override
    public int sendNow(ByteBuffer datagram, InetSocketAddress to) throws IOException {
        return channel.send(datagram, to);
    }

    @Override
    public void readInterest(boolean on) {
        key.interestOps(on ? SelectionKey.OP_READ : 0);
    }

    @Override
    public void await(long timeoutMillis) throws IOException {
        // With an action the selector keeps no selected-key set: nothing to add to, nothing to clear.
        if (timeoutMillis < 0) {
            selector.selectNow(IGNORE_KEY);
        } else {
            selector.select(IGNORE_KEY, timeoutMillis);
        }
    }

    @Override
    public void wakeup() {
        selector.wakeup();
    }

    @Override
    public DatagramChannel channel() {
        return channel;
    }

    @Override
    public void close() throws IOException {
        try {
            selector.close();
        } finally {
            channel.close();
        }
    }

    private static void closeQuietly(AutoCloseable closeable, Exception cause) {
        if (closeable == null) {
            return;
        }
        try {
            closeable.close();
        } catch (Exception e) {
            cause.addSuppressed(e);
        }
    }
}
