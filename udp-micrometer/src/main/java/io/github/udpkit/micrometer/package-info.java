/**
 * Micrometer bindings for udpkit: {@link io.github.udpkit.micrometer.EndpointMetrics} exposes an
 * endpoint's statistics in a {@code MeterRegistry}, for Prometheus, Spring Boot's actuator or any
 * other registry Micrometer serves.
 */
package io.github.udpkit.micrometer;
