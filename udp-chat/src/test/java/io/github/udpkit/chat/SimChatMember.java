package io.github.udpkit.chat;

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
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * A chat member in the simulated network: udpkit's real protocol {@link Engine} and a real
 * {@link ChatClientCore}, as {@link ChatClient} drives them, keep-alive pings included. It keeps
 * the messages it receives as {@code "sender: text"} lines and counts the rest of what happens.
 */
final class SimChatMember implements SimNode, ChatListener {

    /** Counts shared by all members of a simulation, so a run's condition is cheap to check. */
    static final class Tally {
        long joined;
        long messages;
    }

    private final SimulatedNetwork.Port port;
    private final InetSocketAddress server;
    private final Engine engine;
    private final ChatClientCore core;
    private final ChatCodec codec = new ChatCodec();
    private final List<String> messages = new ArrayList<>();
    private final List<String> left = new ArrayList<>();
    private final Tally tally;
    private long now;
    private int joinsSeen;
    private long undecodable;
    private long unacknowledged;
    private LeaveReason disconnected;

    SimChatMember(SimulatedNetwork.Port port, InetSocketAddress server, String name, long seed, Tally tally) {
        this.port = port;
        this.tally = tally;
        this.server = server;
        this.now = port.network().nowNanos();
        this.core = new ChatClientCore(name, "", this);
        this.engine = new Engine(EngineConfig.defaults().toBuilder().seed(seed).build(), new Output(), now);
    }

    String name() {
        return core.name();
    }

    InetSocketAddress address() {
        return port.address();
    }

    /** Sends the JOIN; the network transmits it when it next runs. */
    void join() {
        send(core.joinFrame());
    }

    /** Says something to the room. */
    void say(String text) {
        send(new ChatFrame.Say(text));
    }

    /** Vanishes: detached from the network without a word at either layer. */
    void vanish() {
        port.close();
    }

    boolean isJoined() {
        return core.joined().isPresent();
    }

    List<String> messages() {
        return messages;
    }

    List<String> left() {
        return left;
    }

    int joinsSeen() {
        return joinsSeen;
    }

    long undecodable() {
        return undecodable;
    }

    long unacknowledged() {
        return unacknowledged;
    }

    LeaveReason disconnected() {
        return disconnected;
    }

    private void send(ChatFrame frame) {
        CompletableFuture<Void> sent = new CompletableFuture<>();
        sent.whenComplete((ok, error) -> {
            if (error != null) {
                unacknowledged++;
            }
        });
        engine.send(server, DeliveryMode.RELIABLE, codec.encode(frame), sent, now);
        core.onSent(SimChatServer.millis(now));
        port.wake();
    }

    @Override
    public void receive(InetSocketAddress from, ByteBuffer datagram, long nowNanos) {
        now = nowNanos;
        engine.receive(from, datagram, nowNanos);
    }

    @Override
    public long update(long nowNanos) {
        now = nowNanos;
        core.pingIfDue(SimChatServer.millis(nowNanos)).ifPresent(this::send);
        long deadline = engine.update(nowNanos);
        return core.pingInterval()
                .map(interval -> Math.min(deadline, nowNanos + interval.toNanos()))
                .orElse(deadline);
    }

    // ChatListener: what the core makes of the server's frames.

    @Override
    public void onJoined(ChatJoined joined) {
        tally.joined++;
    }

    @Override
    public void onMessage(ChatMessage message) {
        tally.messages++;
        messages.add(message.sender() + ": " + message.text());
    }

    @Override
    public void onMemberJoined(String room, String name) {
        joinsSeen++;
    }

    @Override
    public void onMemberLeft(String room, String name, LeaveReason reason) {
        left.add(name + " " + reason);
    }

    @Override
    public void onDisconnected(LeaveReason reason) {
        disconnected = reason;
    }

    private final class Output implements EngineOutput {
        @Override
        public void transmit(InetSocketAddress to, ByteBuffer datagram) {
            if (port.isOpen()) {
                port.send(to, datagram);
            }
        }

        @Override
        public void deliver(InetSocketAddress from, DeliveryMode mode, ByteBuffer payload, long nowNanos) {
            if (!from.equals(server)) {
                return;
            }
            try {
                core.onFrame(codec.decode(payload));
            } catch (CodecException e) {
                undecodable++;
            }
        }

        @Override
        public void peerDisconnected(InetSocketAddress peer, DisconnectReason reason) {
            if (peer.equals(server)) {
                core.disconnected(ChatServer.leaveReason(reason));
            }
        }
    }
}
