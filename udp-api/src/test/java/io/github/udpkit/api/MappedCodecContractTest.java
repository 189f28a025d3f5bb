package io.github.udpkit.api;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;

class MappedCodecContractTest implements CodecContract<Integer> {
    @Override
    public Codec<Integer> codec() {
        return Codecs.utf8().map(Integer::valueOf, String::valueOf);
    }

    @Override
    public Arbitrary<Integer> values() {
        return Arbitraries.integers();
    }
}
