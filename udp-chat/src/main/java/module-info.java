/**
 * Chat rooms on udpkit's reliable endpoints: the server, the client, their events and the chat
 * protocol.
 *
 * @since 0.1.0
 */
module io.github.udpkit.chat {
    requires transitive io.github.udpkit.core;
    requires com.google.common;
    requires org.slf4j;

    exports io.github.udpkit.chat;
}
