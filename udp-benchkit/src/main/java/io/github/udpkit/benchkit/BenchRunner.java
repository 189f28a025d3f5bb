package io.github.udpkit.benchkit;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;

/**
 * Runs scenarios in turn, in one process: for each, opens it, runs a warm-up round that is
 * discarded and the measured rounds, closes it, and then sets every row's ratio to the baseline
 * measured in the same run.
 *
 * <p>Every round is bounded: a watchdog closes a scenario whose round overruns its length by
 * {@link #OVERRUN_GRACE_NANOS}, which fails that scenario and lets the run go on.
 *
 * @since 0.1.0
 */
public final class BenchRunner {

    /** How far past its end a round may run (a slow drain, a send waiting for room) before it is aborted. */
    static final long OVERRUN_GRACE_NANOS = TimeUnit.SECONDS.toNanos(15);
    /** A lossy one-way stream is drained once nothing has arrived for this long after the sender stopped. */
    static final long QUIET_NANOS = TimeUnit.MILLISECONDS.toNanos(50);
    /** The longest a drain may take; what arrives later belongs to no round (and counts as lost). */
    static final long MAX_DRAIN_NANOS = TimeUnit.SECONDS.toNanos(3);
    /** The most round trips one round records (8 MiB of samples, allocated once). */
    static final int MAX_SAMPLES = 1 << 20;

    private final BenchPlan plan;
    private final Consumer<String> progress;
    private long[] samples; // allocated on first use, reused by every round
    private int nextRound = 1;
    private long nextPing;

    /**
     * Creates a runner.
     *
     * @param plan how long and how often to measure
     * @param progress told what is running, a line at a time (the command shows it as a progress line)
     */
    public BenchRunner(BenchPlan plan, Consumer<String> progress) {
        this.plan = Objects.requireNonNull(plan, "plan");
        this.progress = Objects.requireNonNull(progress, "progress");
    }

    /**
     * Runs the scenarios in the order given.
     *
     * @param scenarios what to run
     * @return one result per scenario, in the same order, with ratios to the baselines among them
     */
    public List<Result> run(List<Scenario> scenarios) {
        List<Result> raw = new ArrayList<>();
        ScheduledExecutorService watchdog = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "bench-watchdog");
            t.setDaemon(true);
            return t;
        });
        try {
            int index = 0;
            for (Scenario scenario : scenarios) {
                index++;
                String label = "[" + index + "/" + scenarios.size() + "] " + describe(scenario);
                raw.add(runOne(scenario, label, watchdog));
            }
        } finally {
            watchdog.shutdownNow();
        }
        List<Result> results = new ArrayList<>(raw.size());
        for (Result r : raw) {
            Result baseline = raw.stream().filter(b -> b.scenario().isBaselineFor(r.scenario())).findFirst().orElse(null);
            Result reference = raw.stream().filter(b -> b.scenario().isReferenceFor(r.scenario())).findFirst()
                    .orElse(null);
            results.add(r.withRatioTo(baseline).withReferenceRatioTo(reference));
        }
        return results;
    }

    /**
     * A scenario in words, as the progress line and error messages say it.
     *
     * @param s the scenario
     * @return its kind, mode, wait and size
     */
    static String describe(Scenario s) {
        return s.kind().label() + " " + s.mode() + (s.kind() == Scenario.Kind.ROUND_TRIP ? " " + s.waitMode().label() : "")
                + " " + s.payloadBytes() + " B";
    }

    private Result runOne(Scenario scenario, String label, ScheduledExecutorService watchdog) {
        progress.accept(label + ": opening");
        CpuShare.Snapshot start = CpuShare.now();
        Result result;
        try {
            result = scenario.kind() == Scenario.Kind.THROUGHPUT
                    ? throughput(scenario, label, watchdog)
                    : roundTrip(scenario, label, watchdog);
        } catch (Exception | LinkageError e) {
            // A linkage error is a peer's library missing a JVM flag or class: that row fails, the run goes on.
            String reason = e.getMessage() == null ? e.toString() : e.getClass().getSimpleName() + ": " + e.getMessage();
            result = Result.failed(scenario, reason);
        }
        return result.withOtherCpuShare(CpuShare.otherShare(start, CpuShare.now(),
                Runtime.getRuntime().availableProcessors()));
    }

    // ---------------------------------------------------------------- throughput

    private Result throughput(Scenario scenario, String label, ScheduledExecutorService watchdog) throws Exception {
        int rounds = plan.rounds();
        double[] rates = new double[rounds];
        double[] losses = new double[rounds];
        long openStart = System.nanoTime();
        Deliveries counter;
        OneWay opened;
        if (scenario.isFanOut()) {
            FanOut fanOut = scenario.openFanOut();
            counter = fanOut.deliveries();
            opened = fanOut;
        } else {
            SequenceCounter one = new SequenceCounter(scenario.payloadBytes());
            counter = one;
            opened = scenario.openOneWay(one);
        }
        long openMillis = (System.nanoTime() - openStart) / 1_000_000;
        String transport = opened.transport().orElse(scenario.transport());
        Double datagramBytes = null;
        try (OneWay stream = opened) {
            if (!plan.warmup().isZero()) {
                progress.accept(label + ": warm-up");
                guarded(stream, plan.warmup().toNanos(), watchdog,
                        () -> throughputRound(scenario, stream, counter, plan.warmup().toNanos()));
            }
            // Counted from after the warm-up: a path MTU search that starts small is done by then.
            Optional<OneWay.DatagramCount> before = stream.datagramsSent();
            for (int i = 0; i < rounds; i++) {
                progress.accept(label + ": round " + (i + 1) + "/" + rounds);
                double[] rateAndLoss = guarded(stream, plan.round().toNanos(), watchdog,
                        () -> throughputRound(scenario, stream, counter, plan.round().toNanos()));
                rates[i] = rateAndLoss[0];
                losses[i] = rateAndLoss[1];
            }
            Optional<OneWay.DatagramCount> after = stream.datagramsSent();
            if (before.isPresent() && after.isPresent()) {
                double mean = after.get().meanBytesSince(before.get());
                datagramBytes = Double.isNaN(mean) ? null : mean;
            }
            progress.accept(label + ": closing");
        }
        return new Result(scenario, rounds, Spread.of(rates), Spread.of(losses).median(), null, null, null, null, null,
                null, null, openMillis, transport, datagramBytes);
    }

    /**
     * Sends for one round and drains it; returns the rate and the loss, both per delivery: a
     * message counts once for every receiver it is meant to reach.
     */
    private double[] throughputRound(Scenario scenario, OneWay stream, Deliveries counter, long durationNanos)
            throws Exception {
        int round = nextRound++;
        long start = System.nanoTime();
        long sent = stream.sendUntil(round, start + durationNanos, SequenceCounter.MAX_MESSAGES_PER_ROUND);
        long sendNanos = System.nanoTime() - start;
        long expected = sent * scenario.receivers();
        if (scenario.isLossless()) {
            awaitAll(counter, round, expected);
        } else {
            awaitQuiet(counter);
        }
        SequenceCounter.Snapshot s = counter.snapshot(round);
        double rate = s.messagesPerSecond(sendNanos);
        double loss = expected == 0 ? 0 : Math.max(0, expected - s.unique()) / (double) expected;
        return new double[] {rate, loss};
    }

    /** Waits until every expected delivery of the round has arrived, for at most {@link #MAX_DRAIN_NANOS}. */
    private static void awaitAll(Deliveries counter, int round, long expected) {
        long begin = System.nanoTime();
        while (counter.snapshot(round).unique() < expected && System.nanoTime() - begin < MAX_DRAIN_NANOS) {
            LockSupport.parkNanos(QUIET_NANOS / 50);
        }
    }

    /** Waits until nothing has arrived for {@link #QUIET_NANOS}, for at most {@link #MAX_DRAIN_NANOS}. */
    private static void awaitQuiet(Deliveries counter) {
        long begin = System.nanoTime();
        long seen = counter.counted();
        long lastChange = begin;
        while (true) {
            LockSupport.parkNanos(QUIET_NANOS / 5);
            long now = System.nanoTime();
            long c = counter.counted();
            if (c != seen) {
                seen = c;
                lastChange = now;
            } else if (now - lastChange >= QUIET_NANOS) {
                return;
            }
            if (now - begin >= MAX_DRAIN_NANOS) {
                return;
            }
        }
    }

    // ---------------------------------------------------------------- round trip

    private Result roundTrip(Scenario scenario, String label, ScheduledExecutorService watchdog) throws Exception {
        if (samples == null) {
            samples = new long[MAX_SAMPLES];
        }
        int rounds = plan.rounds();
        double[] rates = new double[rounds];
        double[] losses = new double[rounds];
        double[] p50 = new double[rounds];
        double[] p99 = new double[rounds];
        double[] p999 = new double[rounds];
        long openStart = System.nanoTime();
        RoundTrip opened = scenario.openRoundTrip();
        long openMillis = (System.nanoTime() - openStart) / 1_000_000;
        String transport = opened.transport().orElse(scenario.transport());
        try (RoundTrip pair = opened) {
            if (!plan.warmup().isZero()) {
                progress.accept(label + ": warm-up");
                guarded(pair, plan.warmup().toNanos(), watchdog, () -> roundTripRound(pair, plan.warmup().toNanos()));
            }
            for (int i = 0; i < rounds; i++) {
                progress.accept(label + ": round " + (i + 1) + "/" + rounds);
                double[] figures = guarded(pair, plan.round().toNanos(), watchdog,
                        () -> roundTripRound(pair, plan.round().toNanos()));
                rates[i] = figures[0];
                losses[i] = figures[1];
                p50[i] = figures[2];
                p99[i] = figures[3];
                p999[i] = figures[4];
            }
        }
        return new Result(scenario, rounds, Spread.of(rates), Spread.of(losses).median(), Spread.of(p50),
                Spread.of(p99), Spread.of(p999), null, null, null, null, openMillis, transport, null);
    }

    /** Pings until the round's end; returns round trips per second, loss, and p50, p99, p99.9 in µs. */
    private double[] roundTripRound(RoundTrip pair, long durationNanos) throws Exception {
        long[] s = samples;
        long start = System.nanoTime();
        RoundTrip.Tally tally = pair.pingUntil(nextPing, start + durationNanos, s);
        long end = System.nanoTime();
        nextPing += tally.pings();
        int n = tally.samples();
        if (n == 0) {
            throw new IllegalStateException("no echo came back in a round of " + durationNanos / 1_000_000 + " ms");
        }
        Arrays.sort(s, 0, n);
        double rate = n * 1e9 / Math.max(1, end - start);
        double loss = tally.lost() / (double) tally.pings();
        return new double[] {rate, loss, percentileMicros(s, n, 0.50), percentileMicros(s, n, 0.99),
                percentileMicros(s, n, 0.999)};
    }

    /**
     * The nearest-rank percentile of sorted samples, in microseconds.
     *
     * @param sorted samples in nanoseconds, sorted ascending in {@code [0, n)}
     * @param n how many samples
     * @param quantile 0 (exclusive) to 1
     * @return the sample at rank ceil(quantile * n), in microseconds
     */
    static double percentileMicros(long[] sorted, int n, double quantile) {
        int rank = (int) Math.ceil(quantile * n);
        return sorted[Math.min(n, Math.max(1, rank)) - 1] / 1_000.0;
    }

    // ---------------------------------------------------------------- the watchdog

    @FunctionalInterface
    private interface RoundBody {
        double[] run() throws Exception;
    }

    /** Runs a round; if it overruns, the watchdog closes the scenario under it so the round fails. */
    private static double[] guarded(AutoCloseable scenario, long durationNanos, ScheduledExecutorService watchdog,
                                    RoundBody body) throws Exception {
        AtomicBoolean fired = new AtomicBoolean();
        long limit = durationNanos + OVERRUN_GRACE_NANOS;
        ScheduledFuture<?> timer = watchdog.schedule(() -> {
            fired.set(true);
            try {
                scenario.close();
            } catch (Exception e) {
                // the round fails anyway; its own exception says more
            }
        }, limit, TimeUnit.NANOSECONDS);
        try {
            return body.run();
        } catch (Exception e) {
            if (fired.get()) {
                throw new IllegalStateException("round did not finish within " + limit / 1_000_000 + " ms; aborted", e);
            }
            throw e;
        } finally {
            timer.cancel(false);
        }
    }
}
