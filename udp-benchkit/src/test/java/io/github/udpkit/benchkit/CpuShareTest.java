package io.github.udpkit.benchkit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class CpuShareTest {

    @Test
    void shouldCountIdleAndIowaitAsIdleAndTheRestAsBusy() {
        // user nice system idle iowait irq softirq steal guest guest_nice
        assertArrayEquals(new long[] {1 + 2 + 3 + 6 + 7 + 8, 36},
                CpuShare.parse("cpu  1 2 3 4 5 6 7 8 9 10"));
        assertArrayEquals(new long[] {6, 10}, CpuShare.parse("cpu 1 2 3 4"), "older kernels have fewer fields");
    }

    @Test
    void shouldRefuseWhatIsNotTheSummaryLine() {
        assertNull(CpuShare.parse(null));
        assertNull(CpuShare.parse("cpu0 1 2 3 4 5"));
        assertNull(CpuShare.parse("cpu 1 2 x 4"));
        assertNull(CpuShare.parse("cpu 1 2 -3 4"));
        assertNull(CpuShare.parse("cpu 1 2"));
        assertNull(CpuShare.parse("cpu " + "1 ".repeat(300)));
    }

    @Test
    void shouldTakeThisProcesssOwnCpuOffTheSystemsBusyShare() {
        long second = 1_000_000_000L;
        CpuShare.Snapshot start = new CpuShare.Snapshot(1_000, 10_000, 0, 0);
        // 2 cores, 1 s: 200 ticks in all, 150 busy; this process used 1 s of CPU (half the machine)
        CpuShare.Snapshot end = new CpuShare.Snapshot(1_150, 10_200, second, second);
        assertEquals(0.25, CpuShare.otherShare(start, end, 2), 1e-9);
        assertEquals(0.0, CpuShare.otherShare(start, new CpuShare.Snapshot(1_050, 10_200, second, second), 2),
                "never below zero when ticks and CPU time disagree a little");
        assertNull(CpuShare.otherShare(null, end, 2));
        assertNull(CpuShare.otherShare(start, start, 2), "no time passed");
    }

    @Test
    void shouldReadThisMachinesCountersWhereItHasThem() {
        CpuShare.Snapshot a = CpuShare.now();
        CpuShare.Snapshot b = CpuShare.now();
        if (System.getProperty("os.name", "").startsWith("Linux")) {
            assertNotNull(a, "Linux has /proc/stat");
            assertNotNull(b);
        }
        if (a != null && b != null) {
            assertTrue(b.totalTicks() >= a.totalTicks() && b.processCpuNanos() >= a.processCpuNanos(), b::toString);
            Double share = CpuShare.otherShare(a, b, Runtime.getRuntime().availableProcessors());
            assertTrue(share == null || share >= 0 && share <= 1, String.valueOf(share));
        }
    }
}
