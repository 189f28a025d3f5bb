package io.github.udpkit.core.security;

import java.util.HexFormat;

/** Hex for test vectors. */
final class Hex {
    private Hex() {}

    static byte[] bytes(String hex) {
        return HexFormat.of().parseHex(hex.replace(" ", ""));
    }

    static String of(byte[] bytes) {
        return HexFormat.of().formatHex(bytes);
    }

    static byte[] range(int fromInclusive, int toExclusive) {
        byte[] b = new byte[toExclusive - fromInclusive];
        for (int i = 0; i < b.length; i++) {
            b[i] = (byte) (fromInclusive + i);
        }
        return b;
    }
}
