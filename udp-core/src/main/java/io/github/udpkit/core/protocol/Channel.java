package io.github.udpkit.core.protocol;

import io.github.udpkit.api.DeliveryMode;
import io.github.udpkit.core.internal.ObjectRing;

/**
 * One of a connection's independent channels: its own sequence space per delivery mode, its own
 * unacknowledged messages (so that flow control counts within the channel) and its own receive
 * state. A message lost on one channel holds back only that channel's ordered deliveries.
 */
final class Channel {
    final int id;
    final long[] nextSequence = new long[4];
    final ObjectRing<OutMessage> unackedOrdered;
    final ObjectRing<OutMessage> unackedUnordered;
    Receiver inbound;

    Channel(int id, Engine engine, Connection connection) {
        this.id = id;
        EngineConfig config = engine.config;
        int queueCap = config.maxQueuedMessages();
        // Unacknowledged rings also hold finished messages behind an unfinished oldest one; those
        // lie within one receive window of it, hence the extra room.
        int unackedCap = queueCap + config.receiveWindow();
        this.unackedOrdered = new ObjectRing<>(Math.min(16, queueCap), unackedCap);
        this.unackedUnordered = new ObjectRing<>(Math.min(16, queueCap), unackedCap);
        this.inbound = new Receiver(engine, connection, id);
    }

    ObjectRing<OutMessage> unacked(DeliveryMode mode) {
        return mode == DeliveryMode.RELIABLE ? unackedOrdered : unackedUnordered;
    }
}
