package io.github.udpkit.bench;

import io.github.udpkit.api.Codec;
import io.github.udpkit.core.security.Fernet;
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
 * The cost of the Fernet codec per message (AES-128-CBC, HMAC-SHA256, base64url), the RAW-mode
 * encryption that talks to Python peers. Not final: JMH generates subclasses of it.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class FernetBenchmark {

    /** The plaintext size in bytes. */
    @Param({"64", "1200"})
    public int payload;

    private Codec<byte[]> codec;
    private byte[] message;
    private byte[] token;

    /** Makes a codec with a fresh key and one token for the decode benchmark. */
    @Setup
    public void setUp() {
        codec = Fernet.codec(Fernet.generateKey());
        message = new byte[payload];
        Arrays.fill(message, (byte) 'x');
        token = codec.encode(message);
    }

    /** Encrypts a message into a token, as a RAW Fernet send does. */
    @Benchmark
    public byte[] encode() {
        return codec.encode(message);
    }

    /** Verifies and decrypts a token, as a RAW Fernet receive does. */
    @Benchmark
    public byte[] decode() {
        return codec.decode(ByteBuffer.wrap(token));
    }
}
