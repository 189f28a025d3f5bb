package io.github.udpkit.benchkit;

import static com.google.common.base.Preconditions.checkArgument;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;

/**
 * How long and how often to measure, and which scenarios: an immutable plan built by a validating
 * builder. Every scenario gets one warm-up round, discarded, then the measured rounds.
 *
 * @since 0.1.0
 */
public final class BenchPlan {

    /** The most rounds a plan may ask for. */
    public static final int MAX_ROUNDS = 100;
    /** The shortest round: shorter ones measure little but the clock. */
    public static final Duration MIN_ROUND = Duration.ofMillis(10);
    /** The longest round or warm-up. */
    public static final Duration MAX_ROUND = Duration.ofMinutes(10);

    private final Duration warmup;
    private final Duration round;
    private final int rounds;
    private final List<String> filters;

    private BenchPlan(Builder b) {
        this.warmup = b.warmup;
        this.round = b.round;
        this.rounds = b.rounds;
        this.filters = List.copyOf(b.filters);
    }

    /**
     * A builder with the full run's settings: a 1 s warm-up, then 5 rounds of 2 s each.
     *
     * @return a builder
     */
    public static Builder full() {
        return new Builder(Duration.ofSeconds(1), Duration.ofSeconds(2), 5);
    }

    /**
     * A builder with the quick run's settings: a 200 ms warm-up, then 3 rounds of 300 ms each, so
     * the standard comparison finishes in about half a minute.
     *
     * @return a builder
     */
    public static Builder quick() {
        return new Builder(Duration.ofMillis(200), Duration.ofMillis(300), 3);
    }

    /** How long the discarded warm-up round lasts; zero for none. */
    public Duration warmup() {
        return warmup;
    }

    /** How long each measured round lasts. */
    public Duration round() {
        return round;
    }

    /** How many measured rounds each scenario gets. */
    public int rounds() {
        return rounds;
    }

    /** The {@code --scenario} filters; empty means every scenario. */
    public List<String> filters() {
        return filters;
    }

    /**
     * Picks the scenarios to run: those whose id contains one of the filters (ignoring case), or all
     * of them without filters, together with the baselines and reference rows they are compared
     * against, in catalogue order.
     *
     * @param catalogue the scenarios to choose from
     * @return the chosen scenarios
     * @throws IllegalArgumentException if a filter matches no scenario
     */
    public List<Scenario> select(List<Scenario> catalogue) {
        if (filters.isEmpty()) {
            return List.copyOf(catalogue);
        }
        Set<Scenario> chosen = new LinkedHashSet<>();
        for (String filter : filters) {
            String f = filter.toLowerCase(Locale.ROOT);
            List<Scenario> matches = catalogue.stream().filter(s -> s.id().contains(f)).toList();
            checkArgument(!matches.isEmpty(), "no scenario id contains '%s'; the ids are: %s", filter,
                    catalogue.stream().map(Scenario::id).toList());
            chosen.addAll(matches);
        }
        for (Scenario s : List.copyOf(chosen)) {
            catalogue.stream().filter(b -> b.isBaselineFor(s) || b.isReferenceFor(s)).forEach(chosen::add);
        }
        List<Scenario> ordered = new ArrayList<>();
        for (Scenario s : catalogue) {
            if (chosen.contains(s)) {
                ordered.add(s);
            }
        }
        return ordered;
    }

    @Override
    public String toString() {
        return "BenchPlan[warmup=" + warmup.toMillis() + " ms, " + rounds + " rounds of " + round.toMillis()
                + " ms" + (filters.isEmpty() ? "" : ", filters=" + filters) + "]";
    }

    /** Builds a {@link BenchPlan}; every setter checks its argument at once. */
    public static final class Builder {
        private Duration warmup;
        private Duration round;
        private int rounds;
        private final List<String> filters = new ArrayList<>();

        private Builder(Duration warmup, Duration round, int rounds) {
            this.warmup = warmup;
            this.round = round;
            this.rounds = rounds;
        }

        /**
         * Sets the warm-up round's length.
         *
         * @param duration zero (no warm-up) up to {@link #MAX_ROUND}
         * @return this
         */
        public Builder warmup(Duration duration) {
            Objects.requireNonNull(duration, "warmup");
            checkArgument(!duration.isNegative() && duration.compareTo(MAX_ROUND) <= 0,
                    "warmup must be in 0..%s ms: %s ms", MAX_ROUND.toMillis(), duration.toMillis());
            this.warmup = duration;
            return this;
        }

        /**
         * Sets each measured round's length.
         *
         * @param duration {@link #MIN_ROUND} up to {@link #MAX_ROUND}
         * @return this
         */
        public Builder round(Duration duration) {
            Objects.requireNonNull(duration, "round");
            checkArgument(duration.compareTo(MIN_ROUND) >= 0 && duration.compareTo(MAX_ROUND) <= 0,
                    "round duration must be in %s..%s ms: %s ms", MIN_ROUND.toMillis(), MAX_ROUND.toMillis(),
                    duration.toMillis());
            this.round = duration;
            return this;
        }

        /**
         * Sets the number of measured rounds.
         *
         * @param count 1 to {@link #MAX_ROUNDS}
         * @return this
         */
        public Builder rounds(int count) {
            checkArgument(count >= 1 && count <= MAX_ROUNDS, "rounds must be in 1..%s: %s", MAX_ROUNDS, count);
            this.rounds = count;
            return this;
        }

        /**
         * Adds a scenario filter: a scenario runs if its id contains one of the filters.
         *
         * @param filter a non-blank part of a scenario id, such as {@code udpkit} or {@code rtt}
         * @return this
         */
        public Builder filter(String filter) {
            Objects.requireNonNull(filter, "filter");
            checkArgument(!filter.isBlank(), "a scenario filter must not be blank: '%s'", filter);
            this.filters.add(filter.trim());
            return this;
        }

        /**
         * Builds the plan.
         *
         * @return the plan
         */
        public BenchPlan build() {
            return new BenchPlan(this);
        }
    }
}
