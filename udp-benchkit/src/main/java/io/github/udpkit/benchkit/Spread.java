package io.github.udpkit.benchkit;

import static com.google.common.base.Preconditions.checkArgument;

import java.util.Arrays;

/**
 * The median of a figure over a scenario's measured rounds, with the smallest and largest round, so
 * a reader sees how much the rounds agreed.
 *
 * @param median the median (the mean of the middle two for an even count)
 * @param min the smallest round's figure
 * @param max the largest round's figure
 * @since 0.1.0
 */
public record Spread(double median, double min, double max) {

    /**
     * The spread of some rounds' figures.
     *
     * @param values one figure per round, at least one
     * @return their spread
     */
    public static Spread of(double... values) {
        checkArgument(values.length > 0, "a spread needs at least one value");
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int n = sorted.length;
        double median = n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
        return new Spread(median, sorted[0], sorted[n - 1]);
    }
}
