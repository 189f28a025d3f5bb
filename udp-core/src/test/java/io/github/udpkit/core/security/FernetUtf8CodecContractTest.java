package io.github.udpkit.core.security;

import io.github.udpkit.api.Codec;
import io.github.udpkit.api.CodecContract;
import java.time.Duration;
import net.jqwik.api.Arbitrary;

class FernetUtf8CodecContractTest implements CodecContract<String> {
    private static final Codec<String> CODEC = Fernet.create(Fernet.generateKey()).asUtf8Codec(Duration.ofMinutes(5));

    @Override
    public Codec<String> codec() {
        return CODEC;
    }

    @Override
    public Arbitrary<String> values() {
        return CodecContract.textValues();
    }

    @Override
    public boolean deterministic() {
        return false; // a fresh IV and timestamp each time
    }
}
