package io.github.udpkit.core.wire;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.util.Arrays;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.Size;

/** Properties of the wire codec: round trips, one encoding per datagram, and hostile bytes rejected cleanly. */
class DatagramCodecTest {

    @Provide
    Arbitrary<Datagram> datagrams() {
        return WireArbitraries.datagrams();
    }

    @Property(tries = 500)
    void shouldRoundTripDatagrams(@ForAll("datagrams") Datagram datagram) {
        byte[] bytes = datagram.encode();
        assertEquals(datagram.encodedLength(), bytes.length);
        assertEquals(datagram, Datagram.decode(ByteBuffer.wrap(bytes)));
    }

    @Property(tries = 200)
    void shouldDecodeFromBufferPositionToLimit(@ForAll("datagrams") Datagram datagram) {
        byte[] bytes = datagram.encode();
        ByteBuffer framed = ByteBuffer.allocate(bytes.length + 10);
        framed.position(3);
        framed.put(bytes);
        framed.flip().position(3);
        assertEquals(datagram, Datagram.decode(framed));
        assertEquals(3, framed.position(), "decoding does not move the buffer");
    }

    @Property(tries = 2000)
    void shouldDecodeArbitraryBytesOnlyToTheirOneEncodingOrThrowWireFormatException(@ForAll byte[] bytes) {
        assertDecodesCanonicallyOrRejects(bytes);
    }

    @Property(tries = 2000)
    void shouldRejectOrCanonicallyDecodeArbitraryFramesAfterAValidHeader(
            @ForAll @Size(max = 200) byte[] body, @ForAll long source) {
        byte[] header = new Datagram(source == 0 ? 1 : source, 7, 5, java.util.List.of(new PingFrame())).encode();
        byte[] bytes = Arrays.copyOf(header, header.length - 1 + body.length);
        System.arraycopy(body, 0, bytes, header.length - 1, body.length);
        assertDecodesCanonicallyOrRejects(bytes);
    }

    @Property(tries = 1000)
    void shouldRejectOrCanonicallyDecodeMutatedDatagrams(@ForAll("datagrams") Datagram datagram,
            @ForAll int position, @ForAll byte value, @ForAll boolean truncate) {
        byte[] bytes = datagram.encode();
        int at = Math.floorMod(position, bytes.length);
        byte[] mutated = truncate ? Arrays.copyOf(bytes, at) : bytes.clone();
        if (!truncate) {
            mutated[at] = value;
        }
        assertDecodesCanonicallyOrRejects(mutated);
    }

    @Property(tries = 2000)
    void shouldNeverThrowFromTheAllocationFreeReader(@ForAll @Size(max = 300) byte[] bytes) {
        WireReader reader = new WireReader();
        ByteBuffer b = ByteBuffer.wrap(bytes);
        int status = reader.readHeader(b, 0, bytes.length);
        if (status == WireReader.OK) {
            reader.readFrames(b, reader.headerLength(), bytes.length, null);
        }
    }

    private static void assertDecodesCanonicallyOrRejects(byte[] bytes) {
        Datagram decoded;
        try {
            decoded = Datagram.decode(ByteBuffer.wrap(bytes));
        } catch (WireFormatException rejected) {
            return;
        }
        assertArrayEquals(bytes, decoded.encode(), "a decodable datagram has exactly one encoding");
    }

    @Property(tries = 50)
    void shouldCountAckRangesThatFitInTwoByteCount(@ForAll("manyRanges") AckFrame ack) {
        Datagram d = new Datagram(1, 0, 0, java.util.List.of(ack));
        assertEquals(d, Datagram.decode(ByteBuffer.wrap(d.encode())));
    }

    @Provide
    Arbitrary<AckFrame> manyRanges() {
        return Arbitraries.integers().between(60, WireFormat.MAX_ACK_RANGES + 1).map(n -> {
            java.util.List<AckFrame.Range> ranges = new java.util.ArrayList<>();
            for (int i = 0; i < n; i++) {
                long high = 100_000 - 3L * i;
                ranges.add(new AckFrame.Range(high, high));
            }
            return new AckFrame(0, 1, ranges);
        });
    }

    @Property(tries = 100)
    void shouldRefuseInvalidFramesInTheModel(@ForAll("datagrams") Datagram datagram) {
        assertThrows(IllegalArgumentException.class, () -> new Datagram(0, 0, 0, datagram.frames()));
        assertTrue(datagram.encodedLength() >= WireFormat.MIN_HEADER_LENGTH + 1);
    }
}
