package io.github.udpkit.core.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.util.ArrayList;
import java.util.List;

/** What a plain {@link DatagramChannel}, the receiver any UDP program is, got from a transport under test. */
final class PlainReceiver {
    private PlainReceiver() {
    }

    /**
     * Reads {@code count} datagrams, each one's bytes as it arrived, waiting at most {@code waitNanos}
     * in all; fails the test if fewer came in that time. Leaves the channel non-blocking.
     *
     * @param channel the receiver
     * @param count how many datagrams to wait for
     * @param waitNanos how long to wait for them, at most
     * @return their bytes, in order of arrival
     */
    static List<byte[]> receive(DatagramChannel channel, int count, long waitNanos) throws IOException {
        List<byte[]> got = new ArrayList<>();
        ByteBuffer buffer = ByteBuffer.allocate(65_536);
        channel.configureBlocking(false);
        try (Selector selector = Selector.open()) {
            channel.register(selector, SelectionKey.OP_READ);
            long deadline = System.nanoTime() + waitNanos;
            while (got.size() < count && System.nanoTime() - deadline < 0) {
                buffer.clear();
                if (channel.receive(buffer) == null) {
                    selector.select(100);
                    selector.selectedKeys().clear();
                    continue;
                }
                buffer.flip();
                byte[] bytes = new byte[buffer.remaining()];
                buffer.get(bytes);
                got.add(bytes);
            }
        }
        assertEquals(count, got.size(), "datagrams received in time");
        return got;
    }
}
