/**
 * The chat commands of the {@code udpkit} tool, {@code chat-server} and {@code chat}, and the chat
 * scene of {@code udpkit demo}, on {@code udp-chat}'s server and client.
 */
package io.github.udpkit.cli.chat;
