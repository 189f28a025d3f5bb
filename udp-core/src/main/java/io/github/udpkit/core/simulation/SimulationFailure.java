package io.github.udpkit.core.simulation;

/**
 * Thrown when a run of the {@link VirtualNetwork} cannot go on: a node failed, or the run exceeded
 * its bound on events (a livelock). It carries the seed and the virtual time, so the run replays.
 *
 * @since 0.1.0
 */
public final class SimulationFailure extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final String problem;
    private final long seed;
    private final long virtualTimeNanos;

    SimulationFailure(String problem, long seed, long virtualTimeNanos, Throwable cause) {
        super(problem + " at virtual time " + virtualTimeNanos + " ns; seed " + seed, cause);
        this.problem = problem;
        this.seed = seed;
        this.virtualTimeNanos = virtualTimeNanos;
    }

    /**
     * What went wrong, without the seed and time.
     *
     * @return the problem
     */
    public String problem() {
        return problem;
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
