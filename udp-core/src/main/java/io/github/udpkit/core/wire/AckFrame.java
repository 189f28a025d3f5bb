package io.github.udpkit.core.wire;

import static com.google.common.base.Preconditions.checkArgument;

import java.util.List;

/**
 * An ACK frame: which packet numbers the sender of the frame has received, as ranges largest
 * first, how long it held the acknowledgement, and its receive window.
 *
 * @param ackDelayMicros the time between receiving the largest packet and sending this frame
 * @param receiveWindow the sender's receive window in messages, per reliable sequence space
 * @param ranges the ranges, largest first, each at least two below the previous one's smallest
 * @since 0.1.0
 */
public record AckFrame(long ackDelayMicros, long receiveWindow, List<Range> ranges) implements Frame {

    /**
     * Validates the fields and copies the list.
     *
     * @param ackDelayMicros 0..2<sup>62</sup>-1
     * @param receiveWindow 1..{@link WireFormat#MAX_RECEIVE_WINDOW}
     * @param ranges 1..{@link WireFormat#MAX_ACK_RANGES}+1 ranges, largest first, separated by gaps
     */
    public AckFrame {
        checkArgument(ackDelayMicros >= 0 && ackDelayMicros <= Varint.MAX_VALUE,
                "ackDelayMicros must be in 0..2^62-1: %s", ackDelayMicros);
        checkArgument(receiveWindow >= 1 && receiveWindow <= WireFormat.MAX_RECEIVE_WINDOW,
                "receiveWindow must be in 1..%s: %s", WireFormat.MAX_RECEIVE_WINDOW, receiveWindow);
        ranges = List.copyOf(ranges);
        checkArgument(!ranges.isEmpty() && ranges.size() <= WireFormat.MAX_ACK_RANGES + 1,
                "an ACK holds 1..%s ranges: %s", WireFormat.MAX_ACK_RANGES + 1, ranges.size());
        toRanges(ranges); // validates the order and gaps
    }

    /** The largest acknowledged packet number. */
    public long largest() {
        return ranges.get(0).largest();
    }

    @Override
    public int encodedLength() {
        AckRanges r = toRanges(ranges);
        long firstRange = r.high(0) - r.low(0);
        int n = 1 + Varint.size(r.high(0)) + Varint.size(ackDelayMicros) + Varint.size(receiveWindow)
                + Varint.size(firstRange) + Varint.size(r.count() - 1);
        for (int i = 1; i < r.count(); i++) {
            n += Varint.size(r.low(i - 1) - r.high(i) - 2) + Varint.size(r.high(i) - r.low(i));
        }
        return n;
    }

    static AckRanges toRanges(List<Range> ranges) {
        AckRanges r = new AckRanges(ranges.size());
        for (Range range : ranges) {
            r.add(range.largest(), range.smallest());
        }
        return r;
    }

    /**
     * One contiguous range of acknowledged packet numbers.
     *
     * @param largest its largest packet number
     * @param smallest its smallest
     */
    public record Range(long largest, long smallest) {
        /**
         * Validates the range.
         *
         * @param largest 0..2<sup>62</sup>-1
         * @param smallest 0..largest
         */
        public Range {
            checkArgument(smallest >= 0 && smallest <= largest && largest <= Varint.MAX_VALUE,
                    "range must satisfy 0 <= smallest <= largest <= 2^62-1: %s..%s", smallest, largest);
        }
    }
}
