/**
 * Optional Micrometer bindings for udpkit endpoints.
 *
 * @since 0.1.0
 */
// micrometer.core is an automatic module, with its name fixed in its manifest
// (Automatic-Module-Name), not derived from a file name; and MeterBinder is part of this module's
// API, so a user of EndpointMetrics must read it: transitive is right, the lint's worry does not apply.
@SuppressWarnings({"requires-automatic", "requires-transitive-automatic"})
module io.github.udpkit.micrometer {
    requires transitive io.github.udpkit.api;
    requires io.github.udpkit.core;
    requires transitive micrometer.core;

    exports io.github.udpkit.micrometer;
}
