package io.github.udpkit.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.github.udpkit.api.EndpointStats;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The {@code --stats} block: every counter in its place, drops only when there are some. */
class StatsReportTest {

    @Test
    void shouldPrintEveryCounterAndEveryCauseOfDrops() {
        EndpointStats s = EndpointStats.builder().datagramsSent(41).bytesSent(1630).datagramsReceived(27)
                .bytesReceived(702).messagesSent(20).messagesDelivered(3).retransmissions(9).duplicatesDropped(2)
                .deliveryFailures(1).smoothedRtt(Duration.ofNanos(310_000)).decodeFailures(1).malformed(2).oversized(3)
                .authFailures(4).replaysDropped(5).filtered(6).receiveQueueDrops(7).build();
        String nl = System.lineSeparator();
        assertEquals("stats (reliable; loss 30%, seed 7):" + nl
                + "  datagrams  sent 41 (1630 bytes), received 27 (702 bytes)" + nl
                + "  messages   sent 20, delivered 3, printed 3" + nl
                + "  reliable   retransmissions 9, duplicates dropped 2, delivery failures 1, smoothed RTT 0.310 ms" + nl
                + "  dropped    not UTF-8 1, malformed 2, oversized 3, auth failures 4, replays 5, filtered 6, "
                + "queue full 7" + nl,
                StatsReport.format("reliable; loss 30%, seed 7", s, "not UTF-8", "printed 3"));
    }

    @Test
    void shouldSayNoneWhenNothingWasDroppedAndNaBeforeAnyRoundTrip() {
        EndpointStats s = EndpointStats.builder().build();
        assertEquals("none", StatsReport.drops(s, "not UTF-8"));
        assertEquals("n/a", StatsReport.rtt(s.smoothedRtt()));
        assertEquals("12.500 ms", StatsReport.rtt(Duration.ofNanos(12_500_000)));
    }
}
