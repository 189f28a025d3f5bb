package io.github.udpkit.benchkit;

/**
 * What the receiving side of a one-way stream has counted, as the runner reads it: a count that
 * grows while messages arrive (how it sees the stream go quiet), and a round's distinct deliveries.
 * A {@link SequenceCounter} counts for one receiver; a {@link FanOut} counts for many.
 *
 * @since 0.1.0
 */
public interface Deliveries {

    /**
     * How many messages the receiving side has looked at so far, of any round.
     *
     * @return a count that only grows
     */
    long counted();

    /**
     * The counts of one round, read once the stream has gone quiet or delivered everything.
     *
     * @param round the round asked for
     * @return its counts; all zero if nothing of that round has arrived
     */
    SequenceCounter.Snapshot snapshot(int round);
}
