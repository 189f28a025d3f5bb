package io.github.udpkit.cli;

import java.net.InetSocketAddress;
import picocli.CommandLine.Option;

/**
 * {@code --port} and {@code --bind} of the commands that listen (echo-server, listen, chat-server):
 * where they bind. A picocli mixin; a bad port fails the parse with one line naming it.
 */
public final class ListenAddressOptions {

    @Option(names = {"-p", "--port"}, paramLabel = "PORT", defaultValue = "12000",
            converter = Converters.PortConverter.class,
            description = "Port to listen on, 0 for any free one (default: ${DEFAULT-VALUE}).")
    private int port;

    @Option(names = {"-b", "--bind"}, paramLabel = "ADDR",
            description = "Local address to listen on (default: all addresses).")
    private String bind;

    /**
     * The address to bind, resolved now.
     *
     * @return the wildcard address or the resolved {@code --bind}, with the port
     * @throws IllegalArgumentException naming an unknown host
     */
    public InetSocketAddress address() {
        return Endpoints.bindAddress(bind, port);
    }
}
