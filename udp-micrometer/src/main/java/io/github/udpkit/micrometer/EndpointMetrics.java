package io.github.udpkit.micrometer;

import io.github.udpkit.api.Endpoint;
import io.github.udpkit.api.EndpointStats;
import io.github.udpkit.core.Addresses;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.TimeGauge;
import io.micrometer.core.instrument.binder.BaseUnits;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.function.ToDoubleFunction;
import java.util.function.ToLongFunction;

/**
 * Binds one endpoint's {@link EndpointStats} to a Micrometer {@link MeterRegistry}: counters of
 * traffic, retransmissions and drops (one counter, {@value #DROPS}, tagged by {@code cause}), and
 * gauges of the peers and the smoothed round-trip time.
 *
 * <pre>{@code
 * new EndpointMetrics(endpoint, Tags.of("service", "chat")).bindTo(registry);
 * }</pre>
 *
 * <p>Every meter is tagged {@code local} with the endpoint's bound address ({@code 127.0.0.1:12000}),
 * so that several endpoints share a registry without sharing meters, plus the tags given here. The
 * meters read {@link Endpoint#stats()} when the registry is scraped, on the scraping thread; they
 * keep only a weak reference to the endpoint, as Micrometer's function meters do, and a closed
 * endpoint keeps reporting its final counts. Each conversation's own figures are bound by
 * {@link ConnectionMetrics}.
 *
 * @since 0.1.0
 */
public final class EndpointMetrics implements MeterBinder {

    /** The prefix of every meter's name. */
    public static final String PREFIX = "udpkit.";
    /** The counter of dropped datagrams and messages, one time series per {@code cause} tag. */
    public static final String DROPS = PREFIX + "drops";

    /** Micrometer's base units have bytes and messages but no datagrams. */
    private static final String DATAGRAMS = "datagrams";

    private final Endpoint<?> endpoint;
    private final Tags tags;

    /**
     * A binder for the endpoint, tagged only with its local address.
     *
     * @param endpoint the endpoint, open or closed
     */
    public EndpointMetrics(Endpoint<?> endpoint) {
        this(endpoint, Tags.empty());
    }

    /**
     * A binder for the endpoint with extra tags on every meter.
     *
     * @param endpoint the endpoint, open or closed
     * @param tags added to every meter, beside {@code local}
     * @throws IllegalArgumentException if the tags already have a {@code local} tag
     */
    public EndpointMetrics(Endpoint<?> endpoint, Iterable<Tag> tags) {
        this.endpoint = Objects.requireNonNull(endpoint, "endpoint");
        Tags extra = Tags.of(Objects.requireNonNull(tags, "tags"));
        if (extra.stream().anyMatch(t -> t.getKey().equals("local"))) {
            throw new IllegalArgumentException("the 'local' tag is the endpoint's address; choose another key: " + extra);
        }
        this.tags = extra.and("local", Addresses.format(endpoint.localAddress()));
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        Objects.requireNonNull(registry, "registry");
        counter(registry, "datagrams.sent", "Datagrams written to the socket", DATAGRAMS, EndpointStats::datagramsSent);
        counter(registry, "bytes.sent", "Bytes written to the socket", BaseUnits.BYTES, EndpointStats::bytesSent);
        counter(registry, "datagrams.received", "Datagrams read from the socket", DATAGRAMS,
                EndpointStats::datagramsReceived);
        counter(registry, "bytes.received", "Bytes read from the socket", BaseUnits.BYTES, EndpointStats::bytesReceived);
        counter(registry, "messages.sent", "Messages the application sent", BaseUnits.MESSAGES, EndpointStats::messagesSent);
        counter(registry, "messages.delivered", "Messages delivered to the application", BaseUnits.MESSAGES,
                EndpointStats::messagesDelivered);
        counter(registry, "retransmissions", "Datagrams sent again after a loss", DATAGRAMS,
                EndpointStats::retransmissions);
        counter(registry, "delivery.failures", "Reliable messages whose retries ran out", BaseUnits.MESSAGES,
                EndpointStats::deliveryFailures);
        drops(registry, "malformed", EndpointStats::malformed);
        drops(registry, "oversized", EndpointStats::oversized);
        drops(registry, "filtered", EndpointStats::filtered);
        drops(registry, "auth_failure", EndpointStats::authFailures);
        drops(registry, "replay", EndpointStats::replaysDropped);
        drops(registry, "duplicate", EndpointStats::duplicatesDropped);
        drops(registry, "receive_queue_full", EndpointStats::receiveQueueDrops);
        drops(registry, "decode_failure", EndpointStats::decodeFailures);
        drops(registry, "bad_signature", EndpointStats::badSignatures);
        drops(registry, "unknown_key", EndpointStats::unknownKeys);
        drops(registry, "changed_key", EndpointStats::changedKeys);
        drops(registry, "replayed_sequence", EndpointStats::replayedSequences);
        gauge(registry, "peers", "Peers the endpoint holds state for", s -> s.peers());
        TimeGauge.builder(PREFIX + "rtt.smoothed", endpoint, TimeUnit.NANOSECONDS,
                        (ToDoubleFunction<Endpoint<?>>) e -> e.stats().smoothedRtt().toNanos())
                .description("Smoothed round-trip time over the endpoint's peers (0 before the first sample)")
                .tags(tags)
                .register(registry);
    }

    private void counter(MeterRegistry registry, String name, String description, String unit,
                         ToLongFunction<EndpointStats> value) {
        FunctionCounter.builder(PREFIX + name, endpoint, e -> value.applyAsLong(e.stats()))
                .description(description)
                .baseUnit(unit)
                .tags(tags)
                .register(registry);
    }

    private void drops(MeterRegistry registry, String cause, ToLongFunction<EndpointStats> value) {
        FunctionCounter.builder(DROPS, endpoint, e -> value.applyAsLong(e.stats()))
                .description("Datagrams and messages dropped, by cause")
                .tags(tags)
                .tag("cause", cause)
                .register(registry);
    }

    private void gauge(MeterRegistry registry, String name, String description, ToLongFunction<EndpointStats> value) {
        Gauge.builder(PREFIX + name, endpoint, e -> value.applyAsLong(e.stats()))
                .description(description)
                .tags(tags)
                .register(registry);
    }
}
