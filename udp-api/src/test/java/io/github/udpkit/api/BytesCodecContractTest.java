package io.github.udpkit.api;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;

class BytesCodecContractTest implements CodecContract<byte[]> {
    @Override
    public Codec<byte[]> codec() {
        return Codecs.bytes();
    }

    @Override
    public Arbitrary<byte[]> values() {
        return Arbitraries.bytes().array(byte[].class).ofMaxSize(2000);
    }

    @Override
    public void assertEquivalent(byte[] actual, byte[] expected) {
        assertArrayEquals(expected, actual);
    }
}
