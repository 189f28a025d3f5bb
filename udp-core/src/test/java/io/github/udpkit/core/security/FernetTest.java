package io.github.udpkit.core.security;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.udpkit.api.Codec;
import io.github.udpkit.api.CodecException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.Base64;
import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FernetTest {
    // The Fernet specification's generate.json and verify.json vectors.
    static final String SPEC_SECRET = "cw_0x689RpI-jtRR7oE8h_eQsKImvJapLeSbXpwF4e4=";
    static final String SPEC_TOKEN = "gAAAAAAdwJ6wAAECAwQFBgcICQoLDA0ODy021cpGVWKZ_eEwCGM4BLLF_5CV9dOPmrhuVUPgJobwOz7JcbmrR64jVmpU4IwqDA==";
    static final Instant SPEC_NOW = OffsetDateTime.parse("1985-10-26T01:20:00-07:00").toInstant();

    @TempDir
    Path dir;

    static Fernet at(String key, Instant now) {
        return Fernet.builder(key).clock(Clock.fixed(now, ZoneOffset.UTC)).build();
    }

    @Test
    void shouldGenerateTheSpecificationToken() {
        Fernet fernet = Fernet.builder(SPEC_SECRET)
                .clock(Clock.fixed(SPEC_NOW, ZoneOffset.UTC))
                .ivSource(iv -> System.arraycopy(Hex.range(0, 16), 0, iv, 0, 16))
                .build();
        assertEquals(SPEC_TOKEN, fernet.encrypt("hello".getBytes(StandardCharsets.US_ASCII)));
    }

    @Test
    void shouldVerifyTheSpecificationToken() {
        Fernet fernet = at(SPEC_SECRET, SPEC_NOW.plusSeconds(1));
        assertEquals("hello", new String(fernet.decrypt(SPEC_TOKEN, Duration.ofSeconds(60)), StandardCharsets.US_ASCII));
        assertEquals("hello", new String(fernet.decrypt(SPEC_TOKEN), StandardCharsets.US_ASCII));
    }

    @Test
    void shouldRoundTripMessagesOfEveryLengthAroundABlock() {
        Fernet fernet = Fernet.create(Fernet.generateKey());
        for (int n = 0; n <= 48; n++) {
            byte[] message = Hex.range(0, n);
            assertArrayEquals(message, fernet.decrypt(fernet.encrypt(message)), "length " + n);
        }
    }

    @Test
    void shouldRejectEveryFlippedByteOfAToken() {
        Fernet fernet = at(SPEC_SECRET, SPEC_NOW);
        byte[] raw = Base64.getUrlDecoder().decode(SPEC_TOKEN);
        for (int i = 0; i < raw.length; i++) {
            for (int flip : new int[] {0x01, 0x80, 0xff}) {
                byte[] tampered = raw.clone();
                tampered[i] ^= (byte) flip;
                String token = Base64.getUrlEncoder().encodeToString(tampered);
                assertThrows(CodecException.class, () -> fernet.decrypt(token), "byte " + i + " ^ " + flip);
            }
        }
        char[] chars = SPEC_TOKEN.toCharArray();
        for (int i = 0; i < chars.length - 2; i++) { // the last two are padding
            char[] tampered = chars.clone();
            tampered[i] = tampered[i] == 'A' ? 'B' : 'A';
            String token = new String(tampered);
            if (!Arrays.equals(Base64.getUrlDecoder().decode(token), raw)) {
                assertThrows(CodecException.class, () -> fernet.decrypt(token), "character " + i);
            }
        }
    }

    @Test
    void shouldCheckTimeOnlyWithATtlAsPythonDoes() {
        Fernet maker = at(SPEC_SECRET, SPEC_NOW);
        String token = maker.encrypt(new byte[] {1});
        Duration ttl = Duration.ofSeconds(100);
        assertArrayEquals(new byte[] {1}, at(SPEC_SECRET, SPEC_NOW.plusSeconds(100)).decrypt(token, ttl), "ts + ttl == now");
        CodecException expired = assertThrows(CodecException.class,
                () -> at(SPEC_SECRET, SPEC_NOW.plusSeconds(101)).decrypt(token, ttl));
        assertTrue(expired.getMessage().contains("expired"), expired.getMessage());
        assertArrayEquals(new byte[] {1}, at(SPEC_SECRET, SPEC_NOW.minusSeconds(60)).decrypt(token, ttl), "60 s skew");
        CodecException future = assertThrows(CodecException.class,
                () -> at(SPEC_SECRET, SPEC_NOW.minusSeconds(61)).decrypt(token, ttl));
        assertTrue(future.getMessage().contains("future"), future.getMessage());
        // Without a TTL, Python accepts any timestamp; so do we.
        assertArrayEquals(new byte[] {1}, at(SPEC_SECRET, SPEC_NOW.plusSeconds(1_000_000_000)).decrypt(token));
        assertArrayEquals(new byte[] {1}, at(SPEC_SECRET, Instant.EPOCH).decrypt(token));
    }

    @Test
    void shouldRejectAFarFutureTimestampEvenIfItLooksNegative() throws Exception {
        String token = signedToken(SPEC_SECRET, -1L, Hex.range(0, 16), pkcs7Encrypt(SPEC_SECRET, Hex.range(0, 16), new byte[3]));
        Fernet fernet = at(SPEC_SECRET, SPEC_NOW);
        assertEquals(3, fernet.decrypt(token).length, "authentic, and no TTL");
        CodecException e = assertThrows(CodecException.class, () -> fernet.decrypt(token, Duration.ofDays(365)));
        assertTrue(e.getMessage().contains("18446744073709551615"), e.getMessage());
    }

    @Test
    void shouldRejectAuthenticTokensWithBadPaddingOrSize() throws Exception {
        Fernet fernet = at(SPEC_SECRET, SPEC_NOW);
        byte[] iv = Hex.range(0, 16);
        // A block whose last byte is 0 is not PKCS#7, even though the HMAC is right.
        byte[] badPadding = rawEncrypt(SPEC_SECRET, iv, new byte[16]);
        CodecException padding = assertThrows(CodecException.class,
                () -> fernet.decrypt(signedToken(SPEC_SECRET, 499162800L, iv, badPadding)));
        assertTrue(padding.getMessage().contains("padding"), padding.getMessage());
        byte[] ragged = Arrays.copyOf(pkcs7Encrypt(SPEC_SECRET, iv, new byte[20]), 31);
        assertThrows(CodecException.class, () -> fernet.decrypt(signedToken(SPEC_SECRET, 499162800L, iv, ragged)));
        assertThrows(CodecException.class, () -> fernet.decrypt(signedToken(SPEC_SECRET, 499162800L, iv, new byte[0])));
    }

    @Test
    void shouldRejectMalformedTokensWithCodecExceptionOnly() {
        Fernet fernet = at(SPEC_SECRET, SPEC_NOW);
        String[] bad = {
            "", "gAAAA", SPEC_TOKEN.replace('_', '/'), SPEC_TOKEN + "A",
            SPEC_TOKEN.substring(0, 99), "%%%" + SPEC_TOKEN.substring(3), "\u00e9" + SPEC_TOKEN.substring(1),
            // version byte 0x81
            Base64.getUrlEncoder().encodeToString(withFirst(Base64.getUrlDecoder().decode(SPEC_TOKEN), 0x81)),
        };
        for (String token : bad) {
            assertThrows(CodecException.class, () -> fernet.decrypt(token), token);
        }
        assertThrows(CodecException.class, () -> Fernet.create(Fernet.generateKey()).decrypt(SPEC_TOKEN), "another key");
    }

    @Test
    void shouldBoundTokenLengthBeforeDecoding() {
        Fernet fernet = Fernet.builder(SPEC_SECRET).maxTokenLength(200).build();
        String tooLong = fernet.encrypt(new byte[200]);
        CodecException e = assertThrows(CodecException.class, () -> fernet.decrypt(tooLong));
        assertTrue(e.getMessage().contains("too long"), e.getMessage());
        ByteBuffer huge = ByteBuffer.allocate(10_000_000);
        assertThrows(CodecException.class, () -> Fernet.create(SPEC_SECRET).asCodec().decode(huge));
        assertFalse(huge.hasRemaining(), "the oversized datagram is consumed");
        assertThrows(IllegalArgumentException.class, () -> Fernet.builder(SPEC_SECRET).maxTokenLength(99));
    }

    @Test
    void shouldIgnoreATrailingNewlineInDatagrams() {
        Fernet fernet = at(SPEC_SECRET, SPEC_NOW);
        byte[] line = (SPEC_TOKEN + "\r\n").getBytes(StandardCharsets.US_ASCII);
        assertArrayEquals("hello".getBytes(StandardCharsets.US_ASCII), fernet.asCodec().decode(line));
    }

    @Test
    void shouldDecodeWithCodecsThatCheckTheTtl() {
        Codec<String> fresh = at(SPEC_SECRET, SPEC_NOW.plusSeconds(1)).asUtf8Codec(Duration.ofSeconds(60));
        assertEquals("hello", fresh.decode(SPEC_TOKEN.getBytes(StandardCharsets.US_ASCII)));
        Codec<String> stale = at(SPEC_SECRET, SPEC_NOW.plusSeconds(61)).asUtf8Codec(Duration.ofSeconds(60));
        assertThrows(CodecException.class, () -> stale.decode(SPEC_TOKEN.getBytes(StandardCharsets.US_ASCII)));
        Codec<byte[]> bytes = at(SPEC_SECRET, SPEC_NOW.plusSeconds(61)).asCodec(Duration.ofSeconds(60));
        assertThrows(CodecException.class, () -> bytes.decode(SPEC_TOKEN.getBytes(StandardCharsets.US_ASCII)));
        assertThrows(IllegalArgumentException.class, () -> Fernet.create(SPEC_SECRET).asCodec(Duration.ofSeconds(-1)));
    }

    @Test
    void shouldRejectInvalidUtf8InTheTextCodec() {
        Fernet fernet = Fernet.create(SPEC_SECRET);
        byte[] token = fernet.encryptToAscii(new byte[] {(byte) 0xc3, 0x28});
        assertThrows(CodecException.class, () -> fernet.asUtf8Codec().decode(token));
        assertEquals("naïve ☃", Fernet.utf8Codec(SPEC_SECRET).decode(Fernet.utf8Codec(SPEC_SECRET).encode("naïve ☃")));
    }

    @Test
    void shouldGenerateKeysAsPythonDoesAndReadKeyFiles() throws Exception {
        String key = Fernet.generateKey();
        assertEquals(44, key.length());
        assertTrue(key.matches("[A-Za-z0-9_-]{43}="), key);
        assertEquals(32, Base64.getUrlDecoder().decode(key).length);
        Path file = dir.resolve("fernet.key");
        Files.writeString(file, key + "\n");
        Fernet fromFile = Fernet.fromKeyFile(file);
        assertArrayEquals(new byte[] {9}, Fernet.create(key).decrypt(fromFile.encrypt(new byte[] {9})));
        Files.writeString(dir.resolve("short.key"), "c2hvcnQ=");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Fernet.fromKeyFile(dir.resolve("short.key")));
        assertTrue(e.getMessage().contains("short.key") && e.getMessage().contains("wrong length"), e.getMessage());
        IllegalArgumentException badKey = assertThrows(IllegalArgumentException.class, () -> Fernet.create("not a key"));
        assertFalse(badKey.getMessage().contains("not a key"), "the message never quotes key text");
        assertFalse(Fernet.create(SPEC_SECRET).toString().contains(SPEC_SECRET.substring(0, 10)));
    }

    // --- building tokens by hand, to reach the checks after the HMAC ---

    static String signedToken(String key, long timestamp, byte[] iv, byte[] ciphertext) throws Exception {
        byte[] k = Base64.getUrlDecoder().decode(key);
        ByteBuffer raw = ByteBuffer.allocate(25 + ciphertext.length + 32);
        raw.put((byte) 0x80).putLong(timestamp).put(iv).put(ciphertext);
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(k, 0, 16, "HmacSHA256"));
        mac.update(raw.array(), 0, raw.position());
        raw.put(mac.doFinal());
        return Base64.getUrlEncoder().encodeToString(raw.array());
    }

    static byte[] pkcs7Encrypt(String key, byte[] iv, byte[] message) throws Exception {
        Cipher c = Cipher.getInstance("AES/CBC/PKCS5Padding");
        c.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(Base64.getUrlDecoder().decode(key), 16, 16, "AES"),
                new IvParameterSpec(iv));
        return c.doFinal(message);
    }

    static byte[] rawEncrypt(String key, byte[] iv, byte[] blocks) throws Exception {
        Cipher c = Cipher.getInstance("AES/CBC/NoPadding");
        c.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(Base64.getUrlDecoder().decode(key), 16, 16, "AES"),
                new IvParameterSpec(iv));
        return c.doFinal(blocks);
    }

    private static byte[] withFirst(byte[] raw, int first) {
        raw[0] = (byte) first;
        return raw;
    }
}
