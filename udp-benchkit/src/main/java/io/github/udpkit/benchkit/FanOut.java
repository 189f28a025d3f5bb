package io.github.udpkit.benchkit;

/**
 * A one-way stream whose every message reaches many receivers (a chat room's members), each on a
 * thread of its own: the receivers count their own deliveries, so the stream reports them rather
 * than feeding one {@link SequenceCounter}. A round delivers {@code sent} times
 * {@link Scenario#receivers()} messages when nothing is lost.
 *
 * @since 0.1.0
 */
public interface FanOut extends OneWay {

    /**
     * What the receivers counted, one delivery per message and receiver; the snapshot's first and
     * last arrival span all of them.
     *
     * @return the receivers' counts
     */
    Deliveries deliveries();
}
