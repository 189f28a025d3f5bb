package io.github.udpkit.api;

import net.jqwik.api.Arbitrary;

class Utf8CodecContractTest implements CodecContract<String> {
    @Override
    public Codec<String> codec() {
        return Codecs.utf8();
    }

    @Override
    public Arbitrary<String> values() {
        return CodecContract.textValues();
    }
}
