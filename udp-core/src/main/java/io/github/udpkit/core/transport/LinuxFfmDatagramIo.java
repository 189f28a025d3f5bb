package io.github.udpkit.core.transport;

import io.github.udpkit.core.internal.linux.LinuxUdpSocket;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;

/**
 * The batched Linux transport: an endpoint's I/O on a {@link LinuxUdpSocket} ({@code recvmmsg}
 * with GRO, {@code sendmmsg} with GSO, through the FFM API of JDK 22+). Opened only by the JDK 22
 * version of {@link DatagramIoFactory}; it has no JDK channel, so it cannot join multicast groups.
 */
final class LinuxFfmDatagramIo implements DatagramIo {

    private final LinuxUdpSocket socket;

    private LinuxFfmDatagramIo(LinuxUdpSocket socket) {
        this.socket = socket;
    }

    /**
     * Opens the socket the settings describe.
     *
     * @throws IOException with the failing system call and errno's text
     * @throws UnsupportedOperationException if batched I/O cannot run here
     */
    static LinuxFfmDatagramIo open(EndpointSettings<?> settings) throws IOException {
        return new LinuxFfmDatagramIo(LinuxUdpSocket.open(settings.bindAddress(), settings.reuseAddress(),
                settings.receiveBufferSize(), settings.sendBufferSize(), settings.broadcast()));
    }

    @Override
    public String name() {
        return socket.name();
    }

    @Override
    public InetSocketAddress localAddress() {
        return socket.localAddress();
    }

    @Override
    public InetSocketAddress receive(ByteBuffer buffer) throws IOException {
        return socket.receive(buffer);
    }

    @Override
    public boolean queue(ByteBuffer datagram, InetSocketAddress to) throws IOException {
        return socket.queue(datagram, to);
    }

    @Override
    public void flush() throws IOException {
        socket.flush();
    }

    @Override
    public int sendNow(ByteBuffer datagram, InetSocketAddress to) throws IOException {
        return socket.sendNow(datagram, to);
    }

    @Override
    public boolean sendsBatches() {
        return true;
    }

    @Override
    public int sendNow(byte[] payload, int[] ends, int first, int count, InetSocketAddress to) throws IOException {
        return socket.sendNow(payload, ends, first, count, to);
    }

    @Override
    public void readInterest(boolean on) {
        socket.readInterest(on);
    }

    @Override
    public void await(long timeoutMillis) throws IOException {
        socket.await(timeoutMillis);
    }

    @Override
    public void wakeup() {
        socket.wakeup();
    }

    @Override
    public long coalescedDatagrams() {
        return socket.coalescedDatagrams();
    }

    @Override
    public long droppedAtFlush() {
        return socket.sendDrops();
    }

    @Override
    public long bytesDroppedAtFlush() {
        return socket.sendDroppedBytes();
    }

    @Override
    public DatagramChannel channel() {
        return null;
    }

    @Override
    public void close() {
        socket.close();
    }

    @Override
    public String toString() {
        return socket.toString();
    }
}
