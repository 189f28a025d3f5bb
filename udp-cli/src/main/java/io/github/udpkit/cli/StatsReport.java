package io.github.udpkit.cli;

import io.github.udpkit.api.EndpointStats;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.Locale;
import java.util.StringJoiner;

/**
 * The block {@code --stats} prints on exit: what went over the socket, what the reliable modes had
 * to repeat, the round-trip estimate, and every dropped datagram by its cause, so a user trying
 * {@code --loss} by hand can see what it cost.
 *
 * <pre>
 * stats (reliable; loss 30%, seed 7):
 *   datagrams  sent 41 (1630 bytes), received 27 (702 bytes)
 *   messages   sent 20, delivered 0
 *   reliable   retransmissions 9, duplicates dropped 1, delivery failures 0, smoothed RTT 0.310 ms
 *   dropped    none
 * </pre>
 */
final class StatsReport {

    private StatsReport() {
    }

    /**
     * Prints the block.
     *
     * @param err where to print (standard error)
     * @param heading what the stats are of, e.g. {@code "reliable; loss 30%, seed 7"}
     * @param s the endpoint's counters
     * @param undecodable what a decode failure means for this command's codec, e.g. {@code "not UTF-8"}
     * @param extraMessages more of the messages line, e.g. {@code "printed 3"}, or empty
     */
    static void print(PrintWriter err, String heading, EndpointStats s, String undecodable, String extraMessages) {
        err.print(format(heading, s, undecodable, extraMessages));
        err.flush();
    }

    static String format(String heading, EndpointStats s, String undecodable, String extraMessages) {
        String nl = System.lineSeparator();
        StringBuilder b = new StringBuilder();
        b.append("stats (").append(heading).append("):").append(nl);
        b.append(String.format(Locale.ROOT, "  datagrams  sent %d (%d bytes), received %d (%d bytes)%n",
                s.datagramsSent(), s.bytesSent(), s.datagramsReceived(), s.bytesReceived()));
        b.append(String.format(Locale.ROOT, "  messages   sent %d, delivered %d%s%n", s.messagesSent(),
                s.messagesDelivered(), extraMessages.isEmpty() ? "" : ", " + extraMessages));
        b.append(String.format(Locale.ROOT,
                "  reliable   retransmissions %d, duplicates dropped %d, delivery failures %d, smoothed RTT %s%n",
                s.retransmissions(), s.duplicatesDropped(), s.deliveryFailures(), rtt(s.smoothedRtt())));
        b.append("  dropped    ").append(drops(s, undecodable)).append(nl);
        return b.toString();
    }

    /** Every drop counter that is not zero, {@code "filtered 2, auth failures 1"}, or {@code "none"}. */
    static String drops(EndpointStats s, String undecodable) {
        StringJoiner j = new StringJoiner(", ");
        add(j, undecodable, s.decodeFailures());
        add(j, "malformed", s.malformed());
        add(j, "oversized", s.oversized());
        add(j, "auth failures", s.authFailures());
        add(j, "replays", s.replaysDropped());
        add(j, "filtered", s.filtered());
        add(j, "queue full", s.receiveQueueDrops());
        add(j, "bad signatures", s.badSignatures());
        add(j, "unknown keys", s.unknownKeys());
        add(j, "changed keys", s.changedKeys());
        add(j, "replayed sequences", s.replayedSequences());
        return j.length() == 0 ? "none" : j.toString();
    }

    /** A round-trip time in milliseconds, {@code 0.310 ms}, or {@code n/a} before any was measured. */
    static String rtt(Duration rtt) {
        return rtt.isZero() ? "n/a" : String.format(Locale.ROOT, "%.3f ms", rtt.toNanos() / 1e6);
    }

    private static void add(StringJoiner j, String name, long count) {
        if (count > 0) {
            j.add(name + " " + count);
        }
    }
}
