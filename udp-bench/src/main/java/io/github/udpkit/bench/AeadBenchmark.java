package io.github.udpkit.bench;

import io.github.udpkit.core.security.AeadAlgorithm;
import io.github.udpkit.core.security.AeadOpener;
import io.github.udpkit.core.security.AeadProtection;
import io.github.udpkit.core.security.AeadSealer;
import io.github.udpkit.core.security.Key;
import io.github.udpkit.core.security.TrafficKeys;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The cost of sealing and opening one packet with udpkit's AEAD, per algorithm and payload size:
 * what encryption adds to every datagram of an encrypted endpoint. Sealing updates the keys when
 * the sealer says it is due, as the engine does, so long runs never reach AES-GCM's limit.
 * Not final: JMH generates subclasses of it.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class AeadBenchmark {

    /** Header bytes authenticated as associated data, about a frame header's size. */
    private static final int HEADER = 16;

    /** The algorithm. */
    @Param({"AES_256_GCM", "CHACHA20_POLY1305"})
    public String algorithm;

    /** The plaintext size in bytes. */
    @Param({"64", "1200"})
    public int payload;

    private TrafficKeys keys;
    private AeadSealer sealer;
    private AeadOpener opener;
    private long packetNumber;
    private byte[] header;
    private byte[] plaintext;
    private byte[] sealed;
    private byte[] out;
    private int sealedLength;
    private long sealedPacketNumber;
    /** The two ends of an encrypted conversation, as two endpoints hold them. */
    private AeadProtection sender;
    private AeadProtection receiver;
    private ByteBuffer datagram;
    private long datagramPacketNumber;
    private static final InetSocketAddress PEER = new InetSocketAddress("127.0.0.1", 9);

    /** Derives keys from a fixed secret and seals one packet for the open benchmark to open. */
    @Setup
    public void setUp() {
        byte[] secret = new byte[32];
        Arrays.fill(secret, (byte) 7);
        keys = TrafficKeys.fromSecret(AeadAlgorithm.valueOf(algorithm), secret);
        sealer = keys.newSealer();
        opener = keys.newOpener();
        header = new byte[HEADER];
        plaintext = new byte[payload];
        Arrays.fill(plaintext, (byte) 'x');
        sealed = new byte[payload + AeadAlgorithm.TAG_LENGTH];
        out = new byte[payload + AeadAlgorithm.TAG_LENGTH];
        sealedPacketNumber = packetNumber++;
        sealedLength = sealer.seal(sealedPacketNumber, header, 0, HEADER, plaintext, 0, payload, sealed, 0);
        Key key = Key.of(secret);
        sender = AeadProtection.of(key, AeadAlgorithm.valueOf(algorithm));
        receiver = AeadProtection.of(key, AeadAlgorithm.valueOf(algorithm));
        datagram = ByteBuffer.allocate(HEADER + payload + AeadAlgorithm.TAG_LENGTH);
    }

    /**
     * Seals a datagram and opens it at the other end, through {@link AeadProtection} as the engine
     * calls it: in place, in a heap buffer, header authenticated. What an encrypted datagram costs
     * a pair of endpoints beyond a plain one (less the CRC the plain one computes).
     */
    @Benchmark
    public int sealAndOpenDatagram() {
        long pn = datagramPacketNumber++;
        datagram.clear();
        datagram.put(header).put(plaintext).flip();
        sender.seal(PEER, 1, 2, pn, datagram, HEADER);
        if (!receiver.open(PEER, 1, 2, pn, datagram, HEADER)) {
            throw new IllegalStateException("a datagram sealed under the same key failed to open");
        }
        return datagram.remaining();
    }

    /** Seals one packet under the next packet number. */
    @Benchmark
    public int seal() {
        if (sealer.keyUpdateDue()) {
            keys = keys.nextGeneration();
            sealer = keys.newSealer();
        }
        return sealer.seal(packetNumber++, header, 0, HEADER, plaintext, 0, payload, out, 0);
    }

    /** Opens (authenticates and decrypts) one sealed packet. */
    @Benchmark
    public int open() {
        int n = opener.open(sealedPacketNumber, header, 0, HEADER, sealed, 0, sealedLength, out, 0);
        if (n < 0) {
            throw new IllegalStateException("a packet sealed with the same keys failed to open");
        }
        return n;
    }
}
