/**
 * The udpkit API: endpoints, messages, codecs, delivery modes and the unchecked exceptions. No
 * dependencies; {@code io.github.udpkit.core} implements it.
 *
 * @since 0.1.0
 */
module io.github.udpkit.api {
    exports io.github.udpkit.api;
}
