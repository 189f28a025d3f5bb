package io.github.udpkit.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

/** What the tests that run other programs (python3, openssl) share: bounded waits, lines as they come. */
final class Processes {
    private Processes() {
    }

    /**
     * Whether a command runs here and exits 0 within the wait: how a test finds out whether a
     * program it needs is installed, to skip with a reason when it is not.
     */
    static boolean succeeds(long waitSeconds, String... command) {
        try {
            Process p = new ProcessBuilder(List.of(command)).redirectErrorStream(true).start();
            boolean ok = p.waitFor(waitSeconds, TimeUnit.SECONDS) && p.exitValue() == 0;
            if (!ok) {
                p.destroyForcibly();
            }
            return ok;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** Reads a stream line by line on a daemon thread of its own, into a queue, as the lines come. */
    static void pipeLines(InputStream in, BlockingQueue<String> lines, String threadName) {
        Thread t = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
                for (String line; (line = r.readLine()) != null; ) {
                    lines.add(line);
                }
            } catch (IOException e) {
                lines.add("(" + threadName + " failed: " + e + ")");
            }
        }, threadName);
        t.setDaemon(true);
        t.start();
    }
}
