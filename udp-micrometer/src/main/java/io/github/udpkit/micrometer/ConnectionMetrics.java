package io.github.udpkit.micrometer;

import io.github.udpkit.api.Connection;
import io.github.udpkit.api.ConnectionState;
import io.github.udpkit.api.ConnectionStats;
import io.github.udpkit.core.Addresses;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.TimeGauge;
import io.micrometer.core.instrument.binder.BaseUnits;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.function.ToDoubleFunction;

/**
 * Binds one {@link Connection}'s statistics to a Micrometer {@link MeterRegistry}: its round trip
 * and variation, loss rate, congestion window and bytes in flight as gauges, and its
 * retransmissions and traffic each way as counters, all named {@code udpkit.connection.*}.
 *
 * <pre>{@code
 * public void onConnected(Connection<?> connection) {
 *     new ConnectionMetrics(connection).bindTo(registry);   // removed again when it closes
 * }
 * }</pre>
 *
 * <p>Every meter is tagged {@code remote} with the peer's address when bound (it keeps that tag if
 * the peer moves, so that its series goes on), plus the tags given here. A connection's meters are
 * removed from the registry when it closes, so a server's registry holds only its live
 * conversations. Reading a connection's statistics asks its endpoint's I/O thread, so the meters
 * of one scrape share one snapshot (taken at most every 100 ms).
 *
 * @since 0.1.0
 */
public final class ConnectionMetrics implements MeterBinder {

    /** The prefix of every meter's name. */
    public static final String PREFIX = EndpointMetrics.PREFIX + "connection.";

    /** How old a snapshot may be before a meter reads a new one. */
    static final long REFRESH_MILLIS = 100;

    private static final String DATAGRAMS = "datagrams";

    private final Connection<?> connection;
    private final Tags tags;
    private ConnectionStats snapshot;
    private long snapshotAt;

    /**
     * A binder for the connection, tagged only with its peer's address.
     *
     * @param connection an open or connecting connection
     * @throws IllegalStateException if the connection is closed already: its statistics are gone
     */
    public ConnectionMetrics(Connection<?> connection) {
        this(connection, Tags.empty());
    }

    /**
     * A binder for the connection with extra tags on every meter.
     *
     * @param connection an open or connecting connection
     * @param tags added to every meter, beside {@code remote}
     * @throws IllegalArgumentException if the tags already have a {@code remote} tag
     * @throws IllegalStateException if the connection is closed already: its statistics are gone
     */
    public ConnectionMetrics(Connection<?> connection, Iterable<Tag> tags) {
        this.connection = Objects.requireNonNull(connection, "connection");
        Tags extra = Tags.of(Objects.requireNonNull(tags, "tags"));
        if (extra.stream().anyMatch(t -> t.getKey().equals("remote"))) {
            throw new IllegalArgumentException("the 'remote' tag is the peer's address; choose another key: " + extra);
        }
        this.tags = extra.and("remote", Addresses.format(connection.remoteAddress()));
        this.snapshot = connection.stats();
        this.snapshotAt = System.nanoTime();
    }

    /**
     * Registers the connection's meters, and removes them when the connection closes (at once, if
     * it has closed since this binder was made).
     *
     * @param registry the registry
     */
    @Override
    public void bindTo(MeterRegistry registry) {
        Objects.requireNonNull(registry, "registry");
        List<Meter> meters = new ArrayList<>();
        meters.add(TimeGauge.builder(PREFIX + "rtt.smoothed", this, TimeUnit.NANOSECONDS,
                        m -> m.stats().smoothedRtt().toNanos())
                .description("Smoothed round-trip time (0 before the first sample)").tags(tags).register(registry));
        meters.add(TimeGauge.builder(PREFIX + "rtt.variation", this, TimeUnit.NANOSECONDS,
                        m -> m.stats().rttVariation().toNanos())
                .description("Variation of the round-trip time").tags(tags).register(registry));
        meters.add(gauge(registry, "loss.rate", "Share of recent datagrams declared lost, 0..1", null,
                m -> m.stats().lossRate()));
        meters.add(gauge(registry, "congestion.window", "Congestion window", BaseUnits.BYTES,
                m -> m.stats().congestionWindow()));
        meters.add(gauge(registry, "bytes.in.flight", "Bytes sent and not yet acknowledged or lost", BaseUnits.BYTES,
                m -> m.stats().bytesInFlight()));
        meters.add(counter(registry, "retransmissions", "Datagrams sent again after a loss", DATAGRAMS,
                m -> m.stats().retransmissions()));
        meters.add(counter(registry, "datagrams.sent", "Datagrams sent to the peer", DATAGRAMS,
                m -> m.stats().datagramsSent()));
        meters.add(counter(registry, "bytes.sent", "Bytes sent to the peer", BaseUnits.BYTES,
                m -> m.stats().bytesSent()));
        meters.add(counter(registry, "datagrams.received", "Datagrams received from the peer", DATAGRAMS,
                m -> m.stats().datagramsReceived()));
        meters.add(counter(registry, "bytes.received", "Bytes received from the peer", BaseUnits.BYTES,
                m -> m.stats().bytesReceived()));
        // Completed on the endpoint's I/O thread: removing meters from a registry does not block.
        connection.closed().thenRun(() -> meters.forEach(registry::remove));
    }

    private Meter gauge(MeterRegistry registry, String name, String description, String unit,
                        ToDoubleFunction<ConnectionMetrics> value) {
        return Gauge.builder(PREFIX + name, this, value).description(description).baseUnit(unit).tags(tags)
                .register(registry);
    }

    private Meter counter(MeterRegistry registry, String name, String description, String unit,
                          ToDoubleFunction<ConnectionMetrics> value) {
        return FunctionCounter.builder(PREFIX + name, this, value).description(description).baseUnit(unit)
                .tags(tags).register(registry);
    }

    /**
     * The latest snapshot: a fresh one when the last is older than {@link #REFRESH_MILLIS} and the
     * connection is not closed; once it is, the last one read (a scrape racing the close reads the
     * final figures, never an exception).
     */
    private synchronized ConnectionStats stats() {
        long now = System.nanoTime();
        if (now - snapshotAt > TimeUnit.MILLISECONDS.toNanos(REFRESH_MILLIS)) {
            if (connection.state() != ConnectionState.CLOSED) {
                try {
                    snapshot = connection.stats();
                    snapshotAt = now;
                } catch (IllegalStateException closedMeanwhile) {
                    // keep the last snapshot
                }
            }
        }
        return snapshot;
    }
}
