package io.github.udpkit.bench;

import io.github.udpkit.api.PeerIdentity;
import io.github.udpkit.core.dtls.CertificateBuilder;
import io.github.udpkit.core.dtls.DtlsConfig;
import io.github.udpkit.core.dtls.DtlsHost;
import io.github.udpkit.core.dtls.GeneratedCertificate;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.security.SecureRandom;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Full DTLS 1.2 handshakes (ECDHE P-256, ECDSA P-256 certificate, AES-128-GCM) over loopback,
 * both ends on the benchmark's one thread: handshakes per second per core, and the time of one
 * handshake (JMH's sample mode gives its p50 and p99). Each handshake includes udpkit's cookie
 * exchange and the JDK's, and no session is resumed: every handshake is a full one. Not final:
 * JMH generates subclasses of it.
 */
@State(Scope.Thread)
@BenchmarkMode({Mode.Throughput, Mode.SampleTime})
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class DtlsHandshakeBenchmark {

    private DatagramChannel serverChannel;
    private DatagramChannel clientChannel;
    private Selector selector;
    private DtlsHost server;
    private GeneratedCertificate cert;
    /** A new client context for each handshake, so that no session is resumed; made outside the measurement. */
    private DtlsConfig clientConfig;
    private InetSocketAddress serverAddress;
    private final ByteBuffer buffer = ByteBuffer.allocate(65_536);
    private int established;

    /** Binds both ends on loopback and makes the server's certificate. */
    @Setup(Level.Trial)
    public void setUp() throws IOException {
        cert = CertificateBuilder.forName("localhost").build();
        DtlsConfig serverConfig = DtlsConfig.server().certificate(List.of(cert.certificate()), cert.privateKey())
                .handshakeRate(1e9, 1_000_000).build();
        serverChannel = DatagramChannel.open().bind(new InetSocketAddress("127.0.0.1", 0));
        clientChannel = DatagramChannel.open().bind(new InetSocketAddress("127.0.0.1", 0));
        serverChannel.configureBlocking(false);
        clientChannel.configureBlocking(false);
        selector = Selector.open();
        serverChannel.register(selector, SelectionKey.OP_READ);
        clientChannel.register(selector, SelectionKey.OP_READ);
        serverAddress = (InetSocketAddress) serverChannel.getLocalAddress();
        SecureRandom random = new SecureRandom();
        server = new DtlsHost(serverConfig, new Sink(serverChannel), random::nextBytes);
    }

    /** Makes the next handshake's client context. */
    @Setup(Level.Invocation)
    public void newClient() {
        clientConfig = DtlsConfig.client().trust(List.of(cert.certificate())).serverName("localhost").build();
    }

    /** Closes the sockets. */
    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
        selector.close();
        serverChannel.close();
        clientChannel.close();
    }

    /**
     * One full handshake: a new client (a new context, so nothing is resumed) from the client's
     * socket, driven with the server until both ends are established.
     *
     * @return the handshakes completed, so that nothing is optimised away
     */
    @Benchmark
    public int fullHandshake() throws IOException {
        int before = established;
        DtlsHost client = new DtlsHost(clientConfig, new Sink(clientChannel) {
            @Override
            public void established(InetSocketAddress peer, PeerIdentity identity) {
                established++;
            }
        }, bytes -> { });
        long now = System.nanoTime();
        client.connect(serverAddress, now);
        long deadline = now + TimeUnit.SECONDS.toNanos(5);
        InetSocketAddress clientAddress = (InetSocketAddress) clientChannel.getLocalAddress();
        while (established == before || server.session(clientAddress) == null
                || server.session(clientAddress).identity() == null) {
            selector.select(100);
            selector.selectedKeys().clear();
            now = System.nanoTime();
            if (now - deadline > 0) {
                throw new IllegalStateException("handshake did not complete within 5 s");
            }
            pump(serverChannel, server, now);
            pump(clientChannel, client, now);
            server.update(now);
            client.update(now);
        }
        client.close(now);
        pump(serverChannel, server, System.nanoTime()); // the close_notify, so the server forgets the client
        return established;
    }

    private void pump(DatagramChannel channel, DtlsHost host, long now) throws IOException {
        for (InetSocketAddress from; (from = (InetSocketAddress) channel.receive(buffer.clear())) != null; ) {
            host.receive(from, buffer.flip(), now);
        }
    }

    /** Sends a host's datagrams from its socket. */
    private static class Sink implements DtlsHost.Output {
        private final DatagramChannel channel;

        Sink(DatagramChannel channel) {
            this.channel = channel;
        }

        @Override
        public void transmit(InetSocketAddress to, ByteBuffer datagram) {
            try {
                channel.send(datagram, to);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        @Override
        public void deliver(InetSocketAddress from, ByteBuffer payload, PeerIdentity identity) {
        }
    }
}
