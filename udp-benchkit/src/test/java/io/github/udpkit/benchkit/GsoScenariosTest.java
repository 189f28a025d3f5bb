package io.github.udpkit.benchkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The "raw GSO+GRO (FFM)" row: it counts what it sends on JDK 22+, and says what it needs before. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class GsoScenariosTest {

    private static final long WAIT_NANOS = TimeUnit.SECONDS.toNanos(5);

    @Test
    void theRowIsInTheStandardComparisonAtEverySize() {
        for (int payload : Scenarios.THROUGHPUT_PAYLOADS) {
            assertTrue(Scenarios.standard().stream().anyMatch(s -> s.mode().equals(GsoScenarios.MODE)
                    && s.payloadBytes() == payload), "a row at " + payload + " B");
        }
    }

    @Test
    void beforeJdk22TheRowSaysWhatItNeeds() {
        assumeTrue(Runtime.version().feature() < 22, "the row runs on JDK " + Runtime.version().feature()
                + "; this test is for JDK 17 to 21");
        Exception e = assertThrows(UnsupportedOperationException.class,
                () -> GsoScenarios.throughput(64).openOneWay(new SequenceCounter(64)));
        assertTrue(e.getMessage().contains("needs JDK 22+"), e.getMessage());
    }

    @Test
    void onJdk22TheRowCountsEveryDatagramItSends() throws Exception {
        assumeTrue(Runtime.version().feature() >= 22, "needs JDK 22+: the row calls the kernel through the FFM API");
        for (int payload : Scenarios.THROUGHPUT_PAYLOADS) {
            SequenceCounter counter = new SequenceCounter(payload);
            try (OneWay stream = GsoScenarios.throughput(payload).openOneWay(counter)) {
                long sent = stream.sendUntil(1, System.nanoTime() + WAIT_NANOS, 2_000);
                assertEquals(2_000, sent);
                long deadline = System.nanoTime() + WAIT_NANOS;
                while (counter.counted() < sent && System.nanoTime() - deadline < 0) {
                    java.util.concurrent.locks.LockSupport.parkNanos(100_000); // polls a bounded condition
                }
                assertEquals(sent, counter.counted(), "datagrams of " + payload + " B counted");
            }
        }
    }
}
