package io.github.udpkit.cli;

import com.google.common.net.InetAddresses;
import io.github.udpkit.core.EndpointBuilder;
import io.github.udpkit.core.dtls.DtlsConfig;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/**
 * The DTLS options of every UDP command (send, listen, echo-server, client, chat-server, chat): a
 * picocli mixin that checks they fit together and turns them into the endpoint's
 * {@link DtlsConfig}, reading the PEM files when the command runs so that a bad file is one line
 * naming it.
 */
public final class DtlsOptions {

    /** A handshake deadline shorter than the 5 s a command waits for a send, so a silent peer is named as such. */
    private static final Duration HANDSHAKE_TIMEOUT = Duration.ofSeconds(4);

    @Option(names = "--dtls", description = "Secure the traffic with DTLS 1.2 (certificates, as OpenSSL's "
            + "s_client/s_server -dtls1_2; framed modes ride inside its records): servers need --cert and --key, "
            + "clients trust --trust or --pin.")
    private boolean dtls;

    @Option(names = "--cert", paramLabel = "FILE",
            description = "DTLS: this end's certificate chain, PEM (from 'udpkit keygen' or openssl); with --key.")
    private Path certificate;

    @Option(names = "--key", paramLabel = "FILE", description = "DTLS: the private key of --cert, PEM, unencrypted.")
    private Path privateKey;

    @Option(names = "--trust", paramLabel = "FILE",
            description = "DTLS: trust the CA certificates (or self-signed certificate) in FILE, PEM. A client "
                    + "without --trust or --pin trusts the JDK's default CAs; a server with --trust requires "
                    + "client certificates it signed.")
    private Path trust;

    @Option(names = "--pin", paramLabel = "SHA256",
            description = "DTLS: trust the peer certificate with this SHA-256 fingerprint (repeatable).")
    private List<String> pins = new ArrayList<>();

    @Option(names = "--server-name", paramLabel = "NAME",
            description = "DTLS client: the name sent (SNI) and checked against the server's certificate "
                    + "(default: the host given).")
    private String serverName;

    private DtlsConfig config;
    /** Whether this command is the DTLS server, and the host name a client connects to. */
    private boolean server;
    private String host;

    /**
     * Whether {@code --dtls} was given.
     *
     * @return true if so
     */
    public boolean given() {
        return dtls;
    }

    /** Makes this command the DTLS server of its endpoint: --cert and --key are its identity. */
    public void asServer() {
        this.server = true;
    }

    /**
     * Makes this command a DTLS client of a host: the name it checks, unless --server-name says otherwise.
     *
     * @param hostName the host as the user gave it
     */
    public void asClientOf(String hostName) {
        this.host = hostName;
    }

    /**
     * Checks that the options fit together.
     *
     * @param commandLine the command, for the usage error
     * @throws ParameterException if they do not
     */
    public void check(CommandLine commandLine) {
        if (!dtls) {
            String needsDtls = certificate != null ? "--cert" : privateKey != null ? "--key" : trust != null ? "--trust"
                    : !pins.isEmpty() ? "--pin" : serverName != null ? "--server-name" : null;
            if (needsDtls != null) {
                throw new ParameterException(commandLine, needsDtls + " is a DTLS setting: add --dtls");
            }
            return;
        }
        if ((certificate == null) != (privateKey == null)) {
            throw new ParameterException(commandLine, certificate == null ? "--key needs --cert" : "--cert needs --key");
        }
        if (trust != null && !pins.isEmpty()) {
            throw new ParameterException(commandLine, "use --trust or --pin, not both");
        }
    }

    /**
     * Sets the endpoint's DTLS settings when {@code --dtls} was given.
     *
     * @param builder the endpoint's builder
     * @param commandLine the command, for usage errors
     * @param <T> the payload type
     */
    public <T> void configure(EndpointBuilder<T> builder, CommandLine commandLine) {
        if (dtls) {
            builder.dtls(config(commandLine));
        }
    }

    /**
     * Builds the DTLS settings from the files; a bad file is one line naming it.
     *
     * @param commandLine the command, for usage errors
     * @return the settings
     */
    public DtlsConfig config(CommandLine commandLine) {
        check(commandLine);
        if (config != null) {
            return config;
        }
        try {
            DtlsConfig.Builder b;
            if (server) {
                if (certificate == null) {
                    throw new ParameterException(commandLine, "a DTLS server needs its certificate: --cert FILE --key "
                            + "FILE (make them with 'udpkit keygen --cert NAME --out PREFIX')");
                }
                if (serverName != null) {
                    throw new ParameterException(commandLine, "--server-name is for clients");
                }
                b = DtlsConfig.server().certificate(certificate, privateKey);
                if (trust != null) {
                    b.trust(trust).clientAuth(DtlsConfig.ClientAuth.REQUIRED);
                } else if (!pins.isEmpty()) {
                    pins.forEach(b::pin);
                    b.clientAuth(DtlsConfig.ClientAuth.REQUIRED);
                }
            } else {
                b = DtlsConfig.client();
                if (certificate != null) {
                    b.certificate(certificate, privateKey);
                }
                if (trust != null) {
                    b.trust(trust);
                }
                pins.forEach(b::pin);
                String name = serverName != null ? serverName : host;
                if (name != null && !(serverName == null && InetAddresses.isInetAddress(name))) {
                    b.serverName(name);
                }
            }
            config = b.handshakeTimeout(HANDSHAKE_TIMEOUT).build();
            return config;
        } catch (IllegalArgumentException | IllegalStateException | UncheckedIOException e) {
            throw new CliException(e.getMessage(), e);
        }
    }
}
