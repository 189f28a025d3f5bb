package io.github.udpkit.chat;

import static org.junit.jupiter.api.Assertions.fail;

import io.github.udpkit.api.DeliveryMode;
import io.github.udpkit.core.protocol.Engine;
import io.github.udpkit.core.protocol.EngineConfig;
import io.github.udpkit.core.protocol.EngineOutput;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * A chat member that joins over a real loopback socket, speaking udpkit's protocol through an
 * {@link Engine} the test drives on its own thread, and then vanishes: it stops reading, acknowledging
 * and pinging without a word (no LEAVE, no transport CLOSE), as a machine that lost its network
 * would. An endpoint cannot do that: closing one says goodbye.
 */
final class VanishingMember implements AutoCloseable {

    private final InetSocketAddress server;
    private final DatagramChannel channel;
    private final Selector selector;
    private final Engine engine;
    private final ChatCodec codec = new ChatCodec();
    private final List<ChatFrame> received = new ArrayList<>();
    private final ByteBuffer buffer = ByteBuffer.allocate(65_536);
    private int transmittedSinceJoined;

    VanishingMember(InetSocketAddress server) throws IOException {
        this.server = server;
        this.channel = DatagramChannel.open();
        channel.bind(new InetSocketAddress("127.0.0.1", 0));
        channel.configureBlocking(false);
        this.selector = Selector.open();
        channel.register(selector, SelectionKey.OP_READ);
        this.engine = new Engine(EngineConfig.defaults(), new Output(), System.nanoTime());
    }

    InetSocketAddress localAddress() throws IOException {
        return (InetSocketAddress) channel.getLocalAddress();
    }

    /** Sends a JOIN and drives the engine until the server's answer arrives and is acknowledged. */
    ChatFrame.Joined join(String name, Duration timeout) throws IOException {
        CompletableFuture<Void> sent = new CompletableFuture<>();
        engine.send(server, DeliveryMode.RELIABLE, codec.encode(new ChatFrame.Join(name, "")), sent, System.nanoTime());
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            long now = System.nanoTime();
            long wake = Math.min(engine.update(now), deadline);
            // Done once the JOIN is acknowledged and the JOINED has arrived and been acknowledged in turn.
            if (sent.isDone() && joined() != null && transmittedSinceJoined > 0) {
                break;
            }
            if (now >= deadline) {
                return fail("no JOINED within " + timeout.toMillis() + " ms; received " + received);
            }
            selector.select(Math.max(1, TimeUnit.NANOSECONDS.toMillis(wake - now)));
            selector.selectedKeys().clear();
            for (SocketAddress from; (from = receive()) != null; ) {
                engine.receive((InetSocketAddress) from, buffer, System.nanoTime());
            }
        }
        return joined();
    }

    private SocketAddress receive() throws IOException {
        buffer.clear();
        SocketAddress from = channel.receive(buffer);
        buffer.flip();
        return from;
    }

    private ChatFrame.Joined joined() {
        for (ChatFrame f : received) {
            if (f instanceof ChatFrame.Joined j) {
                return j;
            }
        }
        return null;
    }

    /** Vanishes: the socket closes without a goodbye at either layer. */
    @Override
    public void close() throws IOException {
        selector.close();
        channel.close();
    }

    private final class Output implements EngineOutput {
        @Override
        public void transmit(InetSocketAddress to, ByteBuffer datagram) {
            try {
                channel.send(datagram, to);
                if (joined() != null) {
                    transmittedSinceJoined++;
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        @Override
        public void deliver(InetSocketAddress from, DeliveryMode mode, ByteBuffer payload, long nowNanos) {
            if (from.equals(server)) {
                received.add(codec.decode(payload));
            }
        }
    }
}
