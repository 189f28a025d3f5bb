package io.github.udpkit.testkit;

/**
 * Thrown when a simulated run cannot go on: a node failed, or the run exceeded its bound on
 * events (a livelock). Its message names the seed and how to replay the run.
 *
 * @since 0.1.0
 */
public final class SimulationException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final long seed;
    private final long virtualTimeNanos;

    SimulationException(String problem, long seed, long virtualTimeNanos, Throwable cause) {
        super(problem + " at virtual time " + virtualTimeNanos + " ns; seed " + seed + ", "
                + SimulationSeedExtension.replayHint(seed), cause);
        this.seed = seed;
        this.virtualTimeNanos = virtualTimeNanos;
    }

    /**
     * The seed of the network the run failed in.
     *
     * @return the seed
     */
    public long seed() {
        return seed;
    }

    /**
     * The virtual time the run failed at.
     *
     * @return nanoseconds on the network's clock
     */
    public long virtualTimeNanos() {
        return virtualTimeNanos;
    }
}
