/**
 * Chat rooms on udpkit's reliable endpoints: {@link io.github.udpkit.chat.ChatServer} and
 * {@link io.github.udpkit.chat.ChatClient}, the events a {@link io.github.udpkit.chat.ChatListener}
 * hears, the chat protocol ({@link io.github.udpkit.chat.ChatFrame}, {@link io.github.udpkit.chat.ChatCodec})
 * and the sans-I/O {@link io.github.udpkit.chat.ChatServerCore} that decides everything the server does.
 */
package io.github.udpkit.chat;
