package io.github.udpkit.core.protocol;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.udpkit.core.wire.ProtocolDocument;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.util.Arrays;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

/** The cookie of address validation: the vector of {@code docs/PROTOCOL.md}, its lifetime, what it binds. */
class AddressValidatorTest {
    private static final long SECOND = 1_000_000_000L;
    private static final long SESSION = 0x0123456789abcdefL;
    private static final byte[] SECRET = new byte[32];

    static {
        for (int i = 0; i < SECRET.length; i++) {
            SECRET[i] = (byte) i;
        }
    }

    /** A validator whose every secret is the document's: 00 01 .. 1f. */
    private static AddressValidator documented() {
        return new AddressValidator(b -> System.arraycopy(SECRET, 0, b, 0, b.length));
    }

    private static InetSocketAddress documentClient() throws Exception {
        return new InetSocketAddress(InetAddress.getByName("192.0.2.1"), 49_152);
    }

    private static byte[] token(AddressValidator v, InetSocketAddress a, long session, long now) {
        byte[] t = new byte[AddressValidator.TOKEN_LENGTH];
        v.token(a, session, now, t, 0);
        return t;
    }

    private static boolean valid(AddressValidator v, InetSocketAddress a, long session, byte[] token, long now) {
        return v.isValid(a, session, ByteBuffer.wrap(token), 0, token.length, now);
    }

    @Test
    void shouldMakeTheCookieOfTheProtocolDocument() throws Exception {
        Map<String, byte[]> vectors = ProtocolDocument.vectors();
        byte[] retry = vectors.get("retry");
        byte[] documentedCookie = Arrays.copyOfRange(retry, 23, retry.length); // after header, type and length
        assertEquals(AddressValidator.TOKEN_LENGTH, documentedCookie.length);

        byte[] made = token(documented(), documentClient(), SESSION, 425 * SECOND); // bucket 42
        assertArrayEquals(documentedCookie, made);

        // And the documented input is what the HMAC covers.
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(SECRET, "HmacSHA256"));
        byte[] digest = mac.doFinal(vectors.get("cookie-input"));
        assertEquals(42, documentedCookie[0]);
        assertArrayEquals(Arrays.copyOf(digest, AddressValidator.MAC_LENGTH),
                Arrays.copyOfRange(documentedCookie, 1, documentedCookie.length));
    }

    @Test
    void shouldAcceptACookieInItsBucketAndTheNextOnly() throws Exception {
        AddressValidator v = new AddressValidator(new java.util.Random(1)::nextBytes);
        InetSocketAddress a = documentClient();
        long made = 103 * SECOND; // bucket 10, which ends at 110 s
        byte[] t = token(v, a, SESSION, made);
        assertTrue(valid(v, a, SESSION, t, made));
        assertTrue(valid(v, a, SESSION, t, 119 * SECOND), "the next bucket still accepts it");
        assertFalse(valid(v, a, SESSION, t, 120 * SECOND), "two buckets on, its secret is gone");
        assertFalse(valid(v, a, SESSION, t, 119 * SECOND), "and time does not go back");
    }

    @Test
    void shouldForgetThePreviousSecretWhenBucketsAreSkipped() throws Exception {
        AddressValidator v = new AddressValidator(new java.util.Random(2)::nextBytes);
        InetSocketAddress a = documentClient();
        byte[] t = token(v, a, SESSION, 0);
        // Bucket 256 has the same low byte as bucket 0: the tag alone must not make it valid.
        assertFalse(valid(v, a, SESSION, t, 256 * AddressValidator.BUCKET_NANOS));
        assertFalse(valid(v, a, SESSION, t, 257 * AddressValidator.BUCKET_NANOS));
    }

    @Test
    void shouldBindTheAddressPortAndSession() throws Exception {
        AddressValidator v = new AddressValidator(new java.util.Random(3)::nextBytes);
        InetSocketAddress a = documentClient();
        byte[] t = token(v, a, SESSION, 0);
        assertTrue(valid(v, a, SESSION, t, 0));
        assertFalse(valid(v, new InetSocketAddress(InetAddress.getByName("192.0.2.2"), 49_152), SESSION, t, 0));
        assertFalse(valid(v, new InetSocketAddress(a.getAddress(), 49_153), SESSION, t, 0));
        assertFalse(valid(v, a, SESSION + 1, t, 0));
        InetSocketAddress v6 = new InetSocketAddress(InetAddress.getByName("2001:db8::1"), 49_152);
        byte[] t6 = token(v, v6, SESSION, 0);
        assertTrue(valid(v, v6, SESSION, t6, 0));
        assertFalse(valid(v, a, SESSION, t6, 0));
        byte[] shorter = Arrays.copyOf(t, t.length - 1);
        assertFalse(valid(v, a, SESSION, shorter, 0));
    }

    @Test
    void shouldUseFreshSecretsPerEngine() throws GeneralSecurityException, Exception {
        InetSocketAddress a = documentClient();
        AddressValidator one = new AddressValidator(new java.security.SecureRandom()::nextBytes);
        AddressValidator two = new AddressValidator(new java.security.SecureRandom()::nextBytes);
        byte[] t = token(one, a, SESSION, 0);
        assertFalse(valid(two, a, SESSION, t, 0), "another engine's cookie");
        assertFalse(Arrays.equals(t, token(two, a, SESSION, 0)));
    }
}
