package io.github.udpkit.core.dtls;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.github.udpkit.api.PeerIdentity;
import io.github.udpkit.core.wire.ProtocolDocument;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The DTLS test vectors of docs/PROTOCOL.md section 16: the HelloVerifyRequest udpkit answers a
 * first ClientHello with, byte for byte, under a known cookie secret and time.
 */
class DtlsVectorsTest {

    @Test
    void helloVerifyRequest_isTheDocumentedBytes() {
        Map<String, byte[]> vectors = ProtocolDocument.vectors();
        byte[] hello = vectors.get("dtls-client-hello");
        byte[] expected = vectors.get("dtls-hello-verify-request");
        List<byte[]> sent = new ArrayList<>();
        DtlsHost host = new DtlsHost(DtlsSessionTest.serverConfig(), new DtlsHost.Output() {
            @Override
            public void transmit(InetSocketAddress to, ByteBuffer datagram) {
                byte[] b = new byte[datagram.remaining()];
                datagram.get(b);
                sent.add(b);
            }

            @Override
            public void deliver(InetSocketAddress from, ByteBuffer payload, PeerIdentity identity) {
            }
        }, secret -> Arrays.fill(secret, (byte) 0x42));
        host.receive(new InetSocketAddress("192.0.2.1", 5684), ByteBuffer.wrap(hello), 0);
        assertEquals(1, sent.size(), "one copy: two would be more than the ClientHello's " + hello.length + " bytes");
        assertArrayEquals(expected, sent.get(0), () -> HexFormat.ofDelimiter(" ").formatHex(sent.get(0)));
        assertEquals(0, host.sessions());
    }
}
