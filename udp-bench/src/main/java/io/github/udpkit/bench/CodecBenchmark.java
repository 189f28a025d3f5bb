package io.github.udpkit.bench;

import io.github.udpkit.api.Codec;
import io.github.udpkit.api.Codecs;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
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
 * The cost of udpkit's codecs per message, at the benchmark's message sizes: UTF-8 text (pure ASCII,
 * which takes the fast path, and mixed text, which takes the strict decoder) and raw bytes.
 * Not final: JMH generates subclasses of it.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class CodecBenchmark {

    /** The text: ASCII or mixed (Latin, Hangul, an emoji), of about this many UTF-8 bytes. */
    @Param({"ascii-64", "ascii-1200", "mixed-64", "mixed-1200"})
    public String text;

    private final Codec<String> utf8 = Codecs.utf8();
    private final Codec<byte[]> bytes = Codecs.bytes();
    private String value;
    private byte[] encoded;

    /** Builds the text of the chosen kind and size, and its encoding. */
    @Setup
    public void setUp() {
        String[] parts = text.split("-");
        int size = Integer.parseInt(parts[1]);
        String unit = parts[0].equals("ascii") ? "hello udp " : "héllo 안녕 \uD83D\uDE00 ";
        StringBuilder b = new StringBuilder();
        while (b.toString().getBytes(StandardCharsets.UTF_8).length + unit.getBytes(StandardCharsets.UTF_8).length <= size) {
            b.append(unit);
        }
        value = b.toString();
        encoded = value.getBytes(StandardCharsets.UTF_8);
    }

    /** Codecs.utf8() encode, as every text send does. */
    @Benchmark
    public byte[] utf8Encode() {
        return utf8.encode(value);
    }

    /** Codecs.utf8() decode of a received datagram, as every text receive does. */
    @Benchmark
    public String utf8Decode() {
        return utf8.decode(ByteBuffer.wrap(encoded));
    }

    /** Codecs.bytes() decode: the copy out of the receive buffer that every byte[] receive pays. */
    @Benchmark
    public byte[] bytesDecode() {
        return bytes.decode(ByteBuffer.wrap(encoded));
    }
}
