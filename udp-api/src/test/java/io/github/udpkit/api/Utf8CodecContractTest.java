package io.github.udpkit.api;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;

class Utf8CodecContractTest implements CodecContract<String> {
    @Override
    public Codec<String> codec() {
        return Codecs.utf8();
    }

    @Override
    public Arbitrary<String> values() {
        return Arbitraries.strings().all().excludeChars(surrogates()).ofMaxLength(300);
    }

    private static char[] surrogates() {
        char[] cs = new char[Character.MAX_SURROGATE - Character.MIN_SURROGATE + 1];
        for (int i = 0; i < cs.length; i++) {
            cs[i] = (char) (Character.MIN_SURROGATE + i);
        }
        return cs;
    }
}
