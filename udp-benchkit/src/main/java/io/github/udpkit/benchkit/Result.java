package io.github.udpkit.benchkit;

import java.util.Objects;

/**
 * What one scenario measured: medians over its rounds with their spread, and its ratio to the
 * baseline measured in the same run. A scenario that failed has a failure and no figures.
 *
 * @param scenario the scenario
 * @param rounds the number of measured rounds
 * @param messagesPerSecond messages received per second (throughput) or round trips per second
 * @param lossRatio the median share of sent messages (or pings) that never arrived, 0 to 1
 * @param p50Micros round-trip median in microseconds, or {@code null} for throughput rows
 * @param p99Micros round-trip 99th percentile, or {@code null}
 * @param p999Micros round-trip 99.9th percentile, or {@code null}
 * @param ratioToBaseline throughput: this rate over the baseline's; round trip: this p50 over the
 *     baseline's; {@code null} when there is no baseline figure
 * @param ratioToReference the same ratio taken against the row the scenario names as its
 *     {@linkplain Scenario#withReference reference}; {@code null} when it names none or that row
 *     has no figure in the run
 * @param failure why the scenario failed, or {@code null}
 * @param otherCpuShare the share of the machine's CPU (0 to 1, all cores) that other processes used
 *     while the scenario ran, or {@code null} where the system does not say
 * @param openMillis how long opening the scenario took (sockets, threads, handshakes: not part of
 *     any figure), or {@code null} if it never opened
 * @param transport the transport the row ran on: what its stream reported when it opened, else the
 *     scenario's declared {@linkplain Scenario#transport() transport}
 * @param datagramBytes the mean UDP payload of the datagrams the sending side wrote during the
 *     measured rounds, or {@code null} where the stream does not count them
 * @since 0.1.0
 */
public record Result(Scenario scenario, int rounds, Spread messagesPerSecond, double lossRatio, Spread p50Micros,
                     Spread p99Micros, Spread p999Micros, Double ratioToBaseline, Double ratioToReference,
                     String failure, Double otherCpuShare, Long openMillis, String transport,
                     Double datagramBytes) {

    /** Checks the scenario and transport are given. */
    public Result {
        Objects.requireNonNull(scenario, "scenario");
        Objects.requireNonNull(transport, "transport");
    }

    /**
     * A failed scenario.
     *
     * @param scenario the scenario
     * @param failure why it failed
     * @return the result
     */
    public static Result failed(Scenario scenario, String failure) {
        return new Result(scenario, 0, null, Double.NaN, null, null, null, null, null, Objects.requireNonNull(failure),
                null, null, scenario.transport(), null);
    }

    /** Whether the scenario failed. */
    public boolean isFailed() {
        return failure != null;
    }

    /**
     * The figure the ratio is taken of: the rate for throughput, the p50 for round trips.
     *
     * @return the figure, or NaN for a failed scenario
     */
    public double comparedFigure() {
        if (isFailed()) {
            return Double.NaN;
        }
        return scenario.kind() == Scenario.Kind.THROUGHPUT ? messagesPerSecond.median() : p50Micros.median();
    }

    /**
     * The name of the figure the ratio is taken of, as the JSON calls it.
     *
     * @return {@code messagesPerSecond} or {@code p50Micros}
     */
    public String ratioOf() {
        return scenario.kind() == Scenario.Kind.THROUGHPUT ? "messagesPerSecond" : "p50Micros";
    }

    /**
     * This result with its ratio to a baseline result.
     *
     * @param baseline the baseline's result, or {@code null} if it has none
     * @return the result with the ratio set (or left {@code null})
     */
    Result withRatioTo(Result baseline) {
        return new Result(scenario, rounds, messagesPerSecond, lossRatio, p50Micros, p99Micros, p999Micros,
                ratioOver(baseline), ratioToReference, failure, otherCpuShare, openMillis, transport, datagramBytes);
    }

    /**
     * This result with its ratio to the result of its reference row.
     *
     * @param reference the reference row's result, or {@code null} if it did not run
     * @return the result with the ratio set (or left {@code null})
     */
    Result withReferenceRatioTo(Result reference) {
        return new Result(scenario, rounds, messagesPerSecond, lossRatio, p50Micros, p99Micros, p999Micros,
                ratioToBaseline, ratioOver(reference), failure, otherCpuShare, openMillis, transport, datagramBytes);
    }

    /** This result's compared figure over another's, or {@code null} if either has none. */
    private Double ratioOver(Result other) {
        if (isFailed() || other == null || other.isFailed()) {
            return null;
        }
        double base = other.comparedFigure();
        return base > 0 && Double.isFinite(base) ? comparedFigure() / base : null;
    }

    /**
     * This result with the share of the CPU other processes used while it was measured.
     *
     * @param share 0 to 1, or {@code null} if unknown
     * @return the result with the share set
     */
    Result withOtherCpuShare(Double share) {
        return new Result(scenario, rounds, messagesPerSecond, lossRatio, p50Micros, p99Micros, p999Micros,
                ratioToBaseline, ratioToReference, failure, share, openMillis, transport, datagramBytes);
    }
}
