package io.github.udpkit.core.security;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Fuzzes the CIDR parser with arbitrary text: it either parses, to a range whose canonical text
 * parses back to itself, or throws {@link IllegalArgumentException} naming the text.
 */
class CidrRangeFuzzTest {
    private static final InetAddress V4 = address(new byte[] {10, 1, 2, 3});
    private static final InetAddress V6 = address(new byte[] {0x20, 0x01, 0x0d, (byte) 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1});

    @FuzzTest(maxDuration = "10m")
    void parseRange(byte[] input) {
        String text = new String(input, StandardCharsets.UTF_8);
        CidrRange range;
        try {
            range = CidrRange.parse(text);
        } catch (IllegalArgumentException expected) {
            if (!expected.getMessage().contains("'" + text + "'")) {
                throw new IllegalStateException("message does not name the text: " + expected.getMessage(), expected);
            }
            return;
        }
        CidrRange again = CidrRange.parse(range.toString());
        if (!again.equals(range)) {
            throw new IllegalStateException(Arrays.toString(input) + " parsed to " + range + " but reparsed to " + again);
        }
        range.contains(V4);
        range.contains(V6);
    }

    private static InetAddress address(byte[] bytes) {
        try {
            return InetAddress.getByAddress(bytes);
        } catch (UnknownHostException e) {
            throw new AssertionError(e);
        }
    }
}
