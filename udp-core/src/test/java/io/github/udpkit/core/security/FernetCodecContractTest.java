package io.github.udpkit.core.security;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import io.github.udpkit.api.Codec;
import io.github.udpkit.api.CodecContract;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;

class FernetCodecContractTest implements CodecContract<byte[]> {
    private static final Codec<byte[]> CODEC = Fernet.codec(FernetTest.SPEC_SECRET);

    @Override
    public Codec<byte[]> codec() {
        return CODEC;
    }

    @Override
    public Arbitrary<byte[]> values() {
        return Arbitraries.bytes().array(byte[].class).ofMaxSize(2000);
    }

    @Override
    public void assertEquivalent(byte[] actual, byte[] expected) {
        assertArrayEquals(expected, actual);
    }

    @Override
    public boolean deterministic() {
        return false; // a fresh IV and timestamp each time
    }
}
