package io.github.udpkit.benchkit;

import java.nio.channels.ClosedChannelException;
import java.util.concurrent.TimeUnit;

/**
 * The receiving or echoing thread of a scenario: runs a loop until its channel is closed under it,
 * and keeps the first unexpected failure for the benchmark's thread to report.
 */
final class Worker {

    /** How long closing a scenario waits for its thread to end. */
    private static final long JOIN_MILLIS = TimeUnit.SECONDS.toMillis(2);

    /** The loop a worker runs; closing its channel ends it with a {@link ClosedChannelException}. */
    @FunctionalInterface
    interface Loop {
        void run() throws Exception;
    }

    private final Thread thread;
    private volatile Exception failure;

    private Worker(String name, Loop loop) {
        this.thread = new Thread(() -> runLoop(loop), name);
        this.thread.setDaemon(true);
    }

    /**
     * Starts a worker thread.
     *
     * @param name the thread's name
     * @param loop the loop to run
     * @return the started worker
     */
    static Worker start(String name, Loop loop) {
        Worker worker = new Worker(name, loop);
        worker.thread.start();
        return worker;
    }

    private void runLoop(Loop loop) {
        try {
            loop.run();
        } catch (ClosedChannelException e) {
            // closed by the benchmark (or its watchdog): the normal way out
        } catch (Exception e) {
            failure = e;
        }
    }

    /**
     * Throws the worker's failure, if it had one, on the benchmark's thread.
     *
     * @throws Exception what the worker failed with
     */
    void check() throws Exception {
        Exception e = failure;
        if (e != null) {
            throw new IllegalStateException(thread.getName() + " failed: " + e, e);
        }
    }

    /** Waits, boundedly, for the worker to end after its channel was closed. */
    void join() {
        if (Thread.currentThread() == thread) {
            return;
        }
        try {
            thread.join(JOIN_MILLIS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt(); // the caller is being stopped; the daemon thread ends on its own
        }
    }
}
