package io.github.udpkit.benchkit;

import java.io.BufferedReader;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.OperatingSystemMXBean;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * How much of the machine other processes used while a scenario ran: the system's busy share
 * (Linux's {@code /proc/stat}, hypervisor steal included) less this process's own CPU time. On a
 * two-core machine a figure measured while a build ran next to it is not the same figure, so
 * every row states it. Unknown (null) where {@code /proc/stat} or the process CPU time is not
 * available.
 */
final class CpuShare {

    private static final Path PROC_STAT = Path.of("/proc/stat");
    /** The first line of /proc/stat is short; anything longer is not what we expect. */
    private static final int MAX_LINE = 512;

    /** The counters at one moment. */
    record Snapshot(long busyTicks, long totalTicks, long processCpuNanos, long wallNanos) {
    }

    private CpuShare() {
    }

    /**
     * Reads the counters now.
     *
     * @return the snapshot, or null if the system does not offer them
     */
    static Snapshot now() {
        long processCpu = processCpuNanos();
        long[] ticks = systemTicks();
        if (processCpu < 0 || ticks == null) {
            return null;
        }
        return new Snapshot(ticks[0], ticks[1], processCpu, System.nanoTime());
    }

    /**
     * The share of all cores that other processes used between two snapshots.
     *
     * @param start the earlier snapshot, or null
     * @param end the later snapshot, or null
     * @param cores the processors
     * @return 0 to 1, or null if unknown
     */
    static Double otherShare(Snapshot start, Snapshot end, int cores) {
        if (start == null || end == null || cores <= 0) {
            return null;
        }
        long total = end.totalTicks() - start.totalTicks();
        long wall = end.wallNanos() - start.wallNanos();
        if (total <= 0 || wall <= 0) {
            return null;
        }
        double busy = (end.busyTicks() - start.busyTicks()) / (double) total;
        double own = (end.processCpuNanos() - start.processCpuNanos()) / ((double) wall * cores);
        return Math.max(0, Math.min(1, busy - own));
    }

    private static long processCpuNanos() {
        OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
        if (os instanceof com.sun.management.OperatingSystemMXBean sun) {
            return sun.getProcessCpuTime();
        }
        return -1;
    }

    /** Busy and total ticks of all cores from /proc/stat's first line, or null. */
    private static long[] systemTicks() {
        if (!Files.isReadable(PROC_STAT)) {
            return null;
        }
        String line;
        try (BufferedReader in = Files.newBufferedReader(PROC_STAT, StandardCharsets.US_ASCII)) {
            line = in.readLine();
        } catch (IOException | RuntimeException e) {
            return null;
        }
        return parse(line);
    }

    /**
     * Parses "cpu user nice system idle iowait irq softirq steal ...": idle and iowait are idle,
     * the rest busy (guest time is already counted in user).
     *
     * @param line the first line of /proc/stat
     * @return busy and total ticks, or null if the line is not of that form
     */
    static long[] parse(String line) {
        if (line == null || line.length() > MAX_LINE || !line.startsWith("cpu ")) {
            return null;
        }
        String[] fields = line.substring(4).trim().split(" +");
        if (fields.length < 4) {
            return null;
        }
        long busy = 0;
        long total = 0;
        try {
            for (int i = 0; i < Math.min(fields.length, 8); i++) {
                long v = Long.parseLong(fields[i]);
                if (v < 0) {
                    return null;
                }
                total += v;
                if (i != 3 && i != 4) { // idle, iowait
                    busy += v;
                }
            }
        } catch (NumberFormatException e) {
            return null;
        }
        return new long[] {busy, total};
    }
}
