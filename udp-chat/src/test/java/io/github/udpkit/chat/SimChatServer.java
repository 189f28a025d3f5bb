package io.github.udpkit.chat;

import io.github.udpkit.api.BackPressureException;
import io.github.udpkit.api.CodecException;
import io.github.udpkit.api.DeliveryMode;
import io.github.udpkit.api.DisconnectReason;
import io.github.udpkit.core.protocol.Engine;
import io.github.udpkit.core.protocol.EngineConfig;
import io.github.udpkit.core.protocol.EngineOutput;
import io.github.udpkit.testkit.SimNode;
import io.github.udpkit.testkit.SimulatedNetwork;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * A chat server in the simulated network: udpkit's real protocol {@link Engine} and a real
 * {@link ChatServerCore}, driven in virtual time the way {@link ChatServer} drives them on a socket
 * (same engine settings, same delivery modes, same reading of peer events), with nothing but the
 * I/O thread and the lock taken away.
 */
final class SimChatServer implements SimNode, ChatServerListener {

    /** A member leaving, as the server saw it. */
    record Left(String name, LeaveReason reason, long nanos) {
    }

    /** Virtual time 0 as the wall clock the core stamps messages with: 2023-11-14. */
    static final long EPOCH_MILLIS = 1_700_000_000_000L;

    private final SimulatedNetwork.Port port;
    private final Engine engine;
    private final ChatServerCore core;
    private final ChatCodec codec = new ChatCodec();
    private final FrameSink sink = this::send;
    /** Members whose sends the engine refused, dropped once the core has returned (it must not be re-entered). */
    private final ArrayDeque<InetSocketAddress> refused = new ArrayDeque<>();
    private final List<Left> left = new ArrayList<>();
    private final Map<InetSocketAddress, Long> lastFrameAt = new HashMap<>();
    /** Bytes in and out per address, when {@link #countTraffic()} asked for it: [received, sent]. */
    private Map<InetSocketAddress, long[]> traffic;
    private long now;
    private long undecodable;

    SimChatServer(SimulatedNetwork.Port port, ChatServerConfig config, EngineConfig engineConfig) {
        this.port = port;
        this.now = port.network().nowNanos();
        this.core = new ChatServerCore(config, this);
        this.engine = new Engine(engineConfig, new Output(), now);
    }

    /** The settings {@link ChatServer} gives its engine, seeded so that the run replays. */
    static EngineConfig engineConfig(ChatServerConfig config, long seed) {
        return ChatServer.engineConfig(config).toBuilder().seed(seed).build();
    }

    static long millis(long nanos) {
        return EPOCH_MILLIS + Math.floorDiv(nanos, 1_000_000L);
    }

    InetSocketAddress address() {
        return port.address();
    }

    /** Asks the network for an update now, after the test fed the node directly. */
    void portWake() {
        port.wake();
    }

    ChatServerCore core() {
        return core;
    }

    Engine engine() {
        return engine;
    }

    long undecodable() {
        return undecodable;
    }

    /** Starts counting the bytes received from and sent to each address (for amplification checks). */
    void countTraffic() {
        traffic = new HashMap<>();
    }

    /** Bytes received from an address since {@link #countTraffic()}. */
    long bytesFrom(InetSocketAddress address) {
        long[] t = traffic.get(address);
        return t == null ? 0 : t[0];
    }

    /** Bytes sent to an address since {@link #countTraffic()}. */
    long bytesTo(InetSocketAddress address) {
        long[] t = traffic.get(address);
        return t == null ? 0 : t[1];
    }

    /** The members that left, in order. */
    List<Left> left() {
        return left;
    }

    /** When a chat frame from an address last reached the core, in virtual nanoseconds. */
    long lastFrameAt(InetSocketAddress from) {
        return lastFrameAt.getOrDefault(from, Long.MIN_VALUE);
    }

    @Override
    public void onMemberLeft(InetSocketAddress address, String room, String name, LeaveReason reason) {
        left.add(new Left(name, reason, now));
    }

    @Override
    public void receive(InetSocketAddress from, ByteBuffer datagram, long nowNanos) {
        now = nowNanos;
        if (traffic != null) {
            traffic.computeIfAbsent(from, a -> new long[2])[0] += datagram.remaining();
        }
        engine.receive(from, datagram, nowNanos);
    }

    @Override
    public long update(long nowNanos) {
        now = nowNanos;
        long nowMillis = millis(nowNanos);
        if (nowMillis >= core.nextDeadline()) {
            core.tick(nowMillis, sink);
            dropRefused();
        }
        long engineDeadline = engine.update(nowNanos);
        long coreDeadline = core.nextDeadline();
        long coreNanos = coreDeadline == Engine.NO_DEADLINE ? Engine.NO_DEADLINE : (coreDeadline - EPOCH_MILLIS) * 1_000_000L;
        return Math.min(engineDeadline, coreNanos);
    }

    private void send(InetSocketAddress to, ChatFrame frame) {
        CompletableFuture<Void> sent = new CompletableFuture<>();
        DeliveryMode mode = ChatServer.modeFor(frame);
        engine.send(to, mode, codec.encode(frame), sent, now);
        sent.whenComplete((ok, error) -> {
            if (error instanceof BackPressureException) {
                refused.add(to);
            }
        });
    }

    private void dropRefused() {
        for (InetSocketAddress peer; (peer = refused.poll()) != null; ) {
            core.onPeerGone(peer, LeaveReason.UNREACHABLE, sink);
        }
    }

    private final class Output implements EngineOutput {
        @Override
        public void transmit(InetSocketAddress to, ByteBuffer datagram) {
            if (traffic != null) {
                traffic.computeIfAbsent(to, a -> new long[2])[1] += datagram.remaining();
            }
            port.send(to, datagram);
        }

        @Override
        public void deliver(InetSocketAddress from, DeliveryMode mode, ByteBuffer payload, long nowNanos) {
            ChatFrame frame;
            try {
                frame = codec.decode(payload);
            } catch (CodecException e) {
                undecodable++;
                return;
            }
            lastFrameAt.put(from, nowNanos);
            core.onFrame(from, frame, millis(nowNanos), sink);
            dropRefused();
        }

        @Override
        public void peerMigrated(InetSocketAddress from, InetSocketAddress to) {
            core.onPeerMoved(from, to);
        }

        @Override
        public void peerDisconnected(InetSocketAddress peer, DisconnectReason reason) {
            core.onPeerGone(peer, ChatServer.leaveReason(reason), sink);
            dropRefused();
        }
    }
}
