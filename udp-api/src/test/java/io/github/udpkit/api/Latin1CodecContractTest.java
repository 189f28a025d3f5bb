package io.github.udpkit.api;

import java.nio.charset.StandardCharsets;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;

class Latin1CodecContractTest implements CodecContract<String> {
    @Override
    public Codec<String> codec() {
        return Codecs.string(StandardCharsets.ISO_8859_1);
    }

    @Override
    public Arbitrary<String> values() {
        return Arbitraries.strings().withCharRange('\u0000', '\u00ff').ofMaxLength(200);
    }
}
