/**
 * The udpkit API: {@link io.github.udpkit.api.Endpoint endpoints} that send and receive
 * {@link io.github.udpkit.api.Message messages} over UDP, {@link io.github.udpkit.api.Codec codecs}
 * that turn application values into bytes, the {@link io.github.udpkit.api.DeliveryMode delivery
 * modes}, and the unchecked exceptions rooted at {@link io.github.udpkit.api.UdpException}.
 *
 * <p>This module has no dependencies; {@code udp-core} implements it.
 */
package io.github.udpkit.api;
