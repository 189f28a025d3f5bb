package io.github.udpkit.testkit;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.time.Duration;

/** A plain DatagramChannel on 127.0.0.1:0 with a receive that waits a bounded time. */
final class LoopbackSocket implements AutoCloseable {

    /** One received datagram. */
    record Received(InetSocketAddress from, byte[] bytes) {
        int number() {
            return ByteBuffer.wrap(bytes).getInt();
        }
    }

    private final DatagramChannel channel;
    private final Selector selector;
    private final ByteBuffer buffer = ByteBuffer.allocate(65_536);

    private LoopbackSocket(DatagramChannel channel, Selector selector) {
        this.channel = channel;
        this.selector = selector;
    }

    static LoopbackSocket open() throws IOException {
        DatagramChannel channel = DatagramChannel.open();
        channel.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        channel.configureBlocking(false);
        Selector selector = Selector.open();
        channel.register(selector, SelectionKey.OP_READ);
        return new LoopbackSocket(channel, selector);
    }

    InetSocketAddress address() throws IOException {
        return (InetSocketAddress) channel.getLocalAddress();
    }

    void send(InetSocketAddress to, byte[] bytes) throws IOException {
        int sent = channel.send(ByteBuffer.wrap(bytes), to);
        if (sent != bytes.length) {
            throw new IOException("loopback send buffer full");
        }
    }

    void sendNumber(InetSocketAddress to, int number) throws IOException {
        send(to, ByteBuffer.allocate(4).putInt(0, number).array());
    }

    /** Waits at most {@code timeout} for a datagram; null when none came. */
    Received receive(Duration timeout) throws IOException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            buffer.clear();
            InetSocketAddress from = (InetSocketAddress) channel.receive(buffer);
            if (from != null) {
                buffer.flip();
                byte[] bytes = new byte[buffer.remaining()];
                buffer.get(bytes);
                return new Received(from, bytes);
            }
            long remainingMillis = (deadline - System.nanoTime()) / 1_000_000;
            if (remainingMillis <= 0) {
                return null;
            }
            selector.select(remainingMillis);
            selector.selectedKeys().clear();
        }
    }

    @Override
    public void close() throws IOException {
        selector.close();
        channel.close();
    }
}
