package io.github.udpkit.core.security;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** RFC 5869 Appendix A, test cases 1 to 3 (the SHA-256 ones). */
class HkdfTest {
    private static final byte[] IKM_22 = filled(22, 0x0b);

    @Test
    void shouldMatchRfc5869TestCase1() {
        byte[] prk = Hkdf.extract(Hex.range(0x00, 0x0d), IKM_22);
        assertEquals("077709362c2e32df0ddc3f0dc47bba6390b6c73bb50f9c3122ec844ad7c2b3e5", Hex.of(prk));
        assertEquals("3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf34007208d5b887185865",
                Hex.of(Hkdf.expand(prk, Hex.range(0xf0, 0xfa), 42)));
    }

    @Test
    void shouldMatchRfc5869TestCase2() {
        byte[] prk = Hkdf.extract(Hex.range(0x60, 0xb0), Hex.range(0x00, 0x50));
        assertEquals("06a6b88c5853361a06104c9ceb35b45cef760014904671014a193f40c15fc244", Hex.of(prk));
        assertEquals("b11e398dc80327a1c8e7f78c596a49344f012eda2d4efad8a050cc4c19afa97c"
                        + "59045a99cac7827271cb41c65e590e09da3275600c2f09b8367793a9aca3db71"
                        + "cc30c58179ec3e87c14c01d5c1f3434f1d87",
                Hex.of(Hkdf.expand(prk, Hex.range(0xb0, 0x100), 82)));
    }

    @Test
    void shouldMatchRfc5869TestCase3WithEmptySaltAndInfo() {
        byte[] prk = Hkdf.extract(new byte[0], IKM_22);
        assertEquals("19ef24a32c717b167f33a91d6f648bdf96596776afdb6377ac434c1c293ccb04", Hex.of(prk));
        byte[] okm = Hkdf.expand(prk, new byte[0], 42);
        assertEquals("8da4e775a563c18f715f802a063c5a31b8a11f5c5ee1879ec3454e5f3c738d2d9d201395faa4b61a96c8",
                Hex.of(okm));
        assertArrayEquals(okm, Hkdf.derive(null, IKM_22, null, 42), "null salt and info mean empty");
    }

    @Test
    void shouldProducePrefixesOfTheSameStreamForShorterLengths() {
        byte[] prk = Hkdf.extract(null, IKM_22);
        byte[] full = Hkdf.expand(prk, new byte[] {1}, 100);
        for (int n : new int[] {0, 1, 31, 32, 33, 64, 99}) {
            assertArrayEquals(Arrays.copyOf(full, n), Hkdf.expand(prk, new byte[] {1}, n), "length " + n);
        }
    }

    @Test
    void shouldRejectBadLengthsNamingThem() {
        byte[] prk = new byte[32];
        IllegalArgumentException tooLong = assertThrows(IllegalArgumentException.class,
                () -> Hkdf.expand(prk, null, Hkdf.MAX_OUTPUT_LENGTH + 1));
        assertTrue(tooLong.getMessage().contains("8161"), tooLong.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Hkdf.expand(prk, null, -1));
        IllegalArgumentException shortPrk = assertThrows(IllegalArgumentException.class,
                () -> Hkdf.expand(new byte[16], null, 10));
        assertTrue(shortPrk.getMessage().contains("16"), shortPrk.getMessage());
        assertEquals(Hkdf.MAX_OUTPUT_LENGTH, Hkdf.expand(prk, null, Hkdf.MAX_OUTPUT_LENGTH).length);
    }

    private static byte[] filled(int n, int value) {
        byte[] b = new byte[n];
        Arrays.fill(b, (byte) value);
        return b;
    }
}
