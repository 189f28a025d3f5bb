package io.github.udpkit.core.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.udpkit.api.DeliveryMode;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The reader's validation of each field, before anything is trusted or allocated. */
class WireReaderTest {
    private static final HexFormat HEX = HexFormat.of();

    @Test
    void shouldKnowEveryStatusItReturnsAndNoOther() throws IllegalAccessException {
        int statuses = 0;
        for (java.lang.reflect.Field f : WireReader.class.getFields()) {
            if (f.getType() == int.class && java.lang.reflect.Modifier.isStatic(f.getModifiers())) {
                int status = f.getInt(null);
                assertTrue(WireReader.isStatus(status), f.getName());
                assertTrue(!WireReader.describe(status).startsWith("status "), f.getName() + " is described");
                statuses++;
            }
        }
        assertTrue(statuses > 10, "status constants found: " + statuses);
        assertTrue(!WireReader.isStatus(-1));
        assertTrue(!WireReader.isStatus(statuses), "no status beyond the constants");
    }

    private static int header(byte[] bytes) {
        return new WireReader().readHeader(ByteBuffer.wrap(bytes), 0, bytes.length);
    }

    private static int frames(String hexBody) {
        byte[] header = new Datagram(1, 0, 0, List.of(new PingFrame())).encode();
        byte[] body = HEX.parseHex(hexBody);
        ByteBuffer b = ByteBuffer.allocate(header.length - 1 + body.length);
        b.put(header, 0, header.length - 1).put(body);
        WireReader reader = new WireReader();
        assertEquals(WireReader.OK, reader.readHeader(b, 0, b.capacity()));
        return reader.readFrames(b, reader.headerLength(), b.capacity(), null);
    }

    @Test
    void shouldRejectAPacketNumberAbove2To53WhateverTheProtection() {
        byte[] last = new Datagram(1, 0, WireFormat.MAX_PACKET_NUMBER, List.of(new PingFrame())).encode();
        assertEquals(WireReader.OK, header(last));
        byte[] beyond = last.clone();
        Varint.write(ByteBuffer.wrap(beyond), WireFormat.FIXED_HEADER_LENGTH, WireFormat.MAX_PACKET_NUMBER + 1);
        assertEquals(WireReader.BAD_PACKET_NUMBER, header(beyond));
        Varint.write(ByteBuffer.wrap(beyond), WireFormat.FIXED_HEADER_LENGTH, Varint.MAX_VALUE);
        assertEquals(WireReader.BAD_PACKET_NUMBER, header(beyond));
        assertThrows(IllegalArgumentException.class,
                () -> new Datagram(1, 0, WireFormat.MAX_PACKET_NUMBER + 1, List.of(new PingFrame())));
    }

    @Test
    void shouldRejectForeignTextCheaply() {
        assertEquals(WireReader.BAD_MAGIC, header("HELLO SERVER".getBytes(StandardCharsets.UTF_8)));
        assertEquals(WireReader.TRUNCATED, header(new byte[] {(byte) 0xF5}));
        assertEquals(WireReader.TRUNCATED, header(new byte[] {(byte) 0xF5, 0x6B, 1, 0}));
    }

    @Test
    void shouldRejectFutureVersionsReservedFlagsAndAZeroSession() {
        byte[] ok = new Datagram(1, 0, 0, List.of(new PingFrame())).encode();
        assertEquals(WireReader.OK, header(ok));
        byte[] version = ok.clone();
        version[2] = 4;
        assertEquals(WireReader.BAD_VERSION, header(version));
        version[2] = 2; // version 2 had no channels
        assertEquals(WireReader.BAD_VERSION, header(version));
        version[2] = 1; // the unreleased version 1 had no address validation
        assertEquals(WireReader.BAD_VERSION, header(version));
        byte[] flags = ok.clone();
        flags[3] = 0x01;
        assertEquals(WireReader.BAD_FLAGS, header(flags));
        byte[] zero = ok.clone();
        zero[11] = 0;
        assertEquals(WireReader.BAD_SESSION, header(zero));
    }

    @Test
    void shouldRejectVarintsLongerThanNeeded() {
        assertEquals(WireReader.OK, frames("030000"));       // CLOSE 0, no reason
        assertEquals(WireReader.NON_MINIMAL_VARINT, frames("03400000")); // CLOSE 0 in two bytes
        assertEquals(WireReader.NON_MINIMAL_VARINT, frames("038000000100"));
    }

    @Test
    void shouldBoundACloseReasonByTwoHundredBytesAndTheDatagram() {
        assertEquals(WireReader.OK, frames("030204" + "66756c6c"));            // refused, "full"
        assertEquals(WireReader.BAD_CLOSE, frames("030205" + "66756c6c"));     // says 5, has 4
        assertEquals(WireReader.OK, frames("030140c8" + "61".repeat(200)));    // 200 bytes
        assertEquals(WireReader.BAD_CLOSE, frames("030140c9" + "61".repeat(201))); // 201 bytes
        assertEquals(WireReader.TRUNCATED, frames("0300"));                     // no reason length
        assertEquals(WireReader.OK, frames("030103" + "e282ac"));              // "€"
        assertEquals(WireReader.BAD_CLOSE, frames("030102" + "c0af"));         // an overlong "/"
        assertEquals(WireReader.BAD_CLOSE, frames("030103" + "eda080"));       // a surrogate
        assertEquals(WireReader.BAD_CLOSE, frames("030102" + "e282"));         // cut short
    }

    @Test
    void shouldRejectUnknownFramesEmptyBodiesAndTruncation() {
        assertEquals(WireReader.UNKNOWN_FRAME, frames("06"));
        assertEquals(WireReader.UNKNOWN_FRAME, frames("20"));
        assertEquals(WireReader.UNKNOWN_FRAME, frames("08"));
        assertEquals(WireReader.NO_FRAMES, frames(""));
        assertEquals(WireReader.TRUNCATED, frames("13"));          // RELIABLE DATA without its sequence number
        assertEquals(WireReader.TRUNCATED, frames("0240"));        // ACK whose largest is cut in the middle
        assertEquals(WireReader.BAD_DATA, frames("1300056162"));   // RELIABLE #0 says 5 bytes, has 2
    }

    @Test
    void shouldReadChannelsOneToTwoHundredFiftyFiveAndChannelZeroOnlyWithoutTheBit() {
        assertEquals(WireReader.OK, frames("1b07000161"));           // channel 7, RELIABLE #0, "a"
        assertEquals(WireReader.OK, frames("1b40ff000161"));         // channel 255 (two-byte varint)
        assertEquals(WireReader.BAD_DATA, frames("1b00000161"));     // channel 0 with the bit: a second encoding
        assertEquals(WireReader.BAD_DATA, frames("1b4100000161"));   // channel 256
        assertEquals(WireReader.TRUNCATED, frames("1b"));            // the bit, and no channel
        DataFrame onSeven = new DataFrame(7, io.github.udpkit.api.DeliveryMode.RELIABLE, 0, 1, 0, 0, new byte[] {'a'});
        Datagram d = new Datagram(1, 2, 3, List.of(onSeven));
        assertEquals(d, Datagram.decode(java.nio.ByteBuffer.wrap(d.encode())));
    }

    @Test
    void shouldAcceptZeroPaddingToTheEndOfTheBodyOnly() {
        assertEquals(WireReader.OK, frames("00"));
        assertEquals(WireReader.OK, frames("01" + "00".repeat(40)));          // PING, then padding
        assertEquals(WireReader.BAD_PADDING, frames("01" + "0000000001"));    // a PING hidden in the padding
        assertEquals(WireReader.BAD_PADDING, frames("00ff"));
    }

    @Test
    void shouldAcceptATokenOnlyFirstAndARetryOnlyAlone() {
        String token = "11".repeat(17);
        assertEquals(WireReader.OK, frames("05" + "11" + token + "01"));                 // TOKEN, PING
        assertEquals(WireReader.OK, frames("05" + "11" + token + "1300026869" + "0000")); // TOKEN, DATA, PADDING
        assertEquals(WireReader.BAD_TOKEN, frames("01" + "05" + "11" + token));         // TOKEN not first
        assertEquals(WireReader.BAD_TOKEN, frames("05" + "11" + token + "05" + "11" + token)); // two TOKENs
        assertEquals(WireReader.OK, frames("04" + "11" + token));                        // RETRY alone
        assertEquals(WireReader.BAD_TOKEN, frames("04" + "11" + token + "01"));          // RETRY and a PING
        assertEquals(WireReader.BAD_TOKEN, frames("01" + "04" + "11" + token));          // RETRY not first
        assertEquals(WireReader.BAD_TOKEN, frames("04" + "00"));                         // empty token
        assertEquals(WireReader.BAD_TOKEN, frames("05" + "1f" + "11".repeat(31) + "01")); // 31 bytes: too long
        assertEquals(WireReader.OK, frames("05" + "1e" + "11".repeat(30) + "01"));        // 30: the longest
        assertEquals(WireReader.BAD_TOKEN, frames("05" + "11" + "1111"));                // runs past the end
        assertEquals(WireReader.NON_MINIMAL_VARINT, frames("05" + "4011" + token + "01"));
    }

    @Test
    void shouldReportWhereTheTokenIs() {
        byte[] bytes = new Datagram(1, 0, 0, List.of(new TokenFrame(new byte[] {7, 8, 9}), new PingFrame())).encode();
        ByteBuffer b = ByteBuffer.wrap(bytes);
        WireReader reader = new WireReader();
        assertEquals(WireReader.OK, reader.readHeader(b, 0, bytes.length));
        assertEquals(WireReader.OK, reader.readFrames(b, reader.headerLength(), bytes.length, null));
        assertEquals(reader.headerLength() + 2, reader.tokenOffset());
        assertEquals(3, reader.tokenLength());
        assertTrue(reader.ackEliciting(), "the PING elicits; the TOKEN does not");
        assertEquals(false, reader.hasRetry());
        byte[] retry = new Datagram(1, 2, 0, List.of(new RetryFrame(new byte[] {7}))).encode();
        ByteBuffer r = ByteBuffer.wrap(retry);
        assertEquals(WireReader.OK, reader.readHeader(r, 0, retry.length));
        assertEquals(WireReader.OK, reader.readFrames(r, reader.headerLength(), retry.length, null));
        assertTrue(reader.hasRetry());
        assertEquals(false, reader.ackEliciting(), "a RETRY asks for nothing");
        byte[] ping = new Datagram(1, 0, 0, List.of(new PingFrame())).encode();
        assertEquals(WireReader.OK, reader.readFrames(ByteBuffer.wrap(ping), 21, ping.length, null));
        assertEquals(-1, reader.tokenOffset(), "nothing left over from the datagram before");
        assertEquals(false, reader.hasRetry());
    }

    @Test
    void shouldRejectDatagramModelsThatPutFramesOutOfPlace() {
        byte[] t = {1};
        assertThrows(IllegalArgumentException.class, () -> new Datagram(1, 0, 0, List.of(new PingFrame(), new TokenFrame(t))));
        assertThrows(IllegalArgumentException.class, () -> new Datagram(1, 0, 0, List.of(new RetryFrame(t), new PingFrame())));
        assertThrows(IllegalArgumentException.class, () -> new Datagram(1, 0, 0, List.of(new PaddingFrame(3), new PingFrame())));
        assertThrows(IllegalArgumentException.class, () -> new TokenFrame(new byte[WireFormat.MAX_TOKEN_LENGTH + 1]));
        assertThrows(IllegalArgumentException.class, () -> new RetryFrame(new byte[0]));
    }

    @Test
    void shouldRejectDataLengthsBeyondTheDatagramBeforeAllocating() {
        // RELIABLE DATA #0 claiming 2^30 bytes (an eight-byte varint) with 1 byte present.
        assertEquals(WireReader.BAD_DATA, frames("1300c00000004000000061"));
    }

    @Test
    void shouldRejectInconsistentFragmentGeometry() {
        // fragmented RELIABLE #0, total 10, fragment size 4 -> 3 fragments of 4, 4, 2 bytes
        assertEquals(WireReader.OK, frames("17" + "00" + "0a" + "04" + "02" + "02" + "6162"));
        assertEquals(WireReader.BAD_DATA, frames("17" + "00" + "0a" + "04" + "03" + "02" + "6162")); // index 3 of 3
        assertEquals(WireReader.BAD_DATA, frames("17" + "00" + "0a" + "04" + "02" + "03" + "616263")); // last holds 2
        assertEquals(WireReader.BAD_DATA, frames("17" + "00" + "0a" + "0a" + "00" + "0a" + "00".repeat(10))); // size = total
        assertEquals(WireReader.BAD_DATA, frames("17" + "00" + "01" + "01" + "00" + "01" + "61")); // total 1
        assertEquals(WireReader.BAD_DATA, frames("17" + "00" + "81000001" + "01" + "00" + "01" + "61")); // 16 MiB + 1
    }

    @Test
    void shouldRejectAckRangesBelowZeroAndBadWindows() {
        // ACK largest 10, delay 0, window 16, first range 3 (10..7), one more range: gap 4 -> 1, length 1 -> 0
        assertEquals(WireReader.OK, frames("02" + "0a" + "00" + "10" + "03" + "01" + "04" + "01"));
        assertEquals(WireReader.BAD_ACK, frames("02" + "0a" + "00" + "10" + "03" + "01" + "06" + "00")); // gap below 0
        assertEquals(WireReader.BAD_ACK, frames("02" + "0a" + "00" + "10" + "03" + "01" + "04" + "02")); // length below 0
        assertEquals(WireReader.BAD_ACK, frames("02" + "0a" + "00" + "10" + "0b" + "00")); // first range > largest
        assertEquals(WireReader.BAD_ACK, frames("02" + "0a" + "00" + "00" + "00" + "00")); // window 0
        assertEquals(WireReader.BAD_ACK, frames("02" + "0a" + "00" + "10" + "00" + "4041")); // 65 more ranges
    }

    @Test
    void shouldAllocateNothingWhileReadingHostileBytes() {
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        Random random = new Random(1);
        byte[][] inputs = new byte[5000][];
        byte[] valid = new Datagram(3, 4, 5, List.of(new PingFrame(), DataFrame.whole(DeliveryMode.RELIABLE, 9,
                new byte[100]))).encode();
        for (int i = 0; i < inputs.length; i++) {
            byte[] b = valid.clone();
            for (int k = 0; k < 3; k++) {
                b[20 + random.nextInt(b.length - 20)] = (byte) random.nextInt();
            }
            inputs[i] = b;
        }
        WireReader reader = new WireReader();
        ByteBuffer[] buffers = new ByteBuffer[inputs.length];
        for (int i = 0; i < inputs.length; i++) {
            buffers[i] = ByteBuffer.wrap(inputs[i]);
        }
        int ok = 0;
        long before = threads.getCurrentThreadAllocatedBytes();
        for (int round = 0; round < 4; round++) {
            for (ByteBuffer b : buffers) {
                if (reader.readHeader(b, 0, b.limit()) == WireReader.OK
                        && reader.readFrames(b, reader.headerLength(), b.limit(), null) == WireReader.OK) {
                    ok++;
                }
            }
        }
        long allocated = threads.getCurrentThreadAllocatedBytes() - before;
        assertTrue(allocated < 64 * 1024, "reading 20,000 datagrams allocated " + allocated + " bytes");
        assertTrue(ok > 0 && ok < 20_000, "some mutations stay valid, most do not: " + ok);
    }

    @Test
    void shouldReportDescriptionsForLogs() {
        assertEquals("bad magic", WireReader.describe(WireReader.BAD_MAGIC));
        assertEquals("status 99", WireReader.describe(99));
        assertThrows(IllegalArgumentException.class, () -> new AckRanges(1).add(5, 6));
    }
}
