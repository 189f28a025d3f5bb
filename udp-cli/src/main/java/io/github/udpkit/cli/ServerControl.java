package io.github.udpkit.cli;

import java.net.InetSocketAddress;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Start and stop of a command that serves until stopped (echo-server, listen): tells who is waiting
 * where it is bound, stops it from another thread (a test, or Ctrl-C through a shutdown hook that
 * then waits briefly so the command can print its last lines).
 */
final class ServerControl {

    private static final Logger LOG = LoggerFactory.getLogger(ServerControl.class);
    /** How long Ctrl-C waits for the command to finish printing before the JVM exits. */
    private static final long SHUTDOWN_GRACE_MS = 2000;

    private final CompletableFuture<InetSocketAddress> bound = new CompletableFuture<>();
    private final CountDownLatch finished = new CountDownLatch(1);
    private volatile AutoCloseable server;
    private volatile boolean stopRequested;

    /** Completes with the bound address once serving, exceptionally if the command failed first. */
    CompletableFuture<InetSocketAddress> bound() {
        return bound;
    }

    /** Records the running server; closes it at once if a stop came first. */
    void started(AutoCloseable running, InetSocketAddress address) {
        this.server = running;
        if (stopRequested) {
            closeQuietly(running);
        }
        bound.complete(address);
    }

    /** Stops the server: its serve loop returns and the command prints its summary and exits. */
    void stop() {
        stopRequested = true;
        AutoCloseable s = server;
        if (s != null) {
            closeQuietly(s);
        }
    }

    /**
     * Runs the command's body with a shutdown hook that stops it on Ctrl-C.
     *
     * @return the body's exit code
     */
    int run(Callable<Integer> body) throws Exception {
        Thread hook = new Thread(() -> {
            stop();
            try {
                finished.await(SHUTDOWN_GRACE_MS, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "udpkit-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            return body.call();
        } catch (Exception | Error e) {
            bound.completeExceptionally(e);
            throw e;
        } finally {
            bound.completeExceptionally(new IllegalStateException("the command ended before it was bound"));
            finished.countDown();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // Ctrl-C is being handled: the hook is running and needs no removing.
            }
        }
    }

    private static void closeQuietly(AutoCloseable c) {
        try {
            c.close();
        } catch (Exception e) {
            LOG.debug("close failed: {}", e.toString());
        }
    }
}
