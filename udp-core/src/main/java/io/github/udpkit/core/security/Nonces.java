package io.github.udpkit.core.security;

import java.security.spec.AlgorithmParameterSpec;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.IvParameterSpec;

/** Builds the JCA parameter object that carries a nonce, which differs between the algorithms. */
final class Nonces {
    private Nonces() {}

    static AlgorithmParameterSpec spec(AeadAlgorithm algorithm, byte[] nonce) {
        return algorithm == AeadAlgorithm.AES_256_GCM
                ? new GCMParameterSpec(AeadAlgorithm.TAG_LENGTH * Byte.SIZE, nonce)
                : new IvParameterSpec(nonce);
    }
}
