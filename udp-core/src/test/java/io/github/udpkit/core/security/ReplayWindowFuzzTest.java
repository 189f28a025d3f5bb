package io.github.udpkit.core.security;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.util.TreeSet;

/**
 * Fuzzes the replay window against a model set of accepted numbers (the jqwik property's model),
 * letting the fuzzer choose the window size and the arrivals.
 *
 * <p>Input layout: one byte for the size (in 64-packet words, 1 to 64), then 3-byte arrivals: a
 * signed 16-bit offset from the highest accepted number, scaled by 1, 16 or 4096 by bits 1-2 of
 * the flag byte whose bit 0 says whether the packet authenticates.
 */
class ReplayWindowFuzzTest {

    @FuzzTest(maxDuration = "10m")
    void receiveSequence(byte[] input) {
        if (input.length == 0) {
            return;
        }
        int size = 64 * (1 + (input[0] & 0x3F));
        ReplayWindow window = new ReplayWindow(size);
        TreeSet<Long> accepted = new TreeSet<>();
        for (int i = 1; i + 3 <= input.length; i += 3) {
            int flags = input[i + 2] & 0xFF;
            long scale = 1L << (4 * ((flags >> 1) & 3));
            long offset = (short) ((input[i] << 8) | (input[i + 1] & 0xFF)) * scale;
            long top = accepted.isEmpty() ? 0 : accepted.last();
            long pn = top + offset;
            boolean expected = pn >= 0 && !accepted.contains(pn) && (accepted.isEmpty() || pn > top - size);
            if (window.check(pn) != expected) {
                throw new IllegalStateException("check(" + pn + ") disagrees with the model; top " + top + ", size " + size);
            }
            if (expected && (flags & 1) == 1) {
                window.accept(pn);
                accepted.add(pn);
            }
            if (window.highestAccepted() != (accepted.isEmpty() ? -1 : accepted.last())) {
                throw new IllegalStateException("highest accepted disagrees with the model");
            }
        }
    }
}
