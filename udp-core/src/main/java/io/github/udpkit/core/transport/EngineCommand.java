package io.github.udpkit.core.transport;

import java.util.concurrent.CompletableFuture;

/**
 * A command that hands the engine work at the turn's time and is also the caller's future: a
 * {@link FramedSend} or a {@link FramedBatch}. One object per send, whatever it carries; the loop
 * gives every command of a turn the one clock reading it took.
 */
abstract class EngineCommand extends CompletableFuture<Void> implements Command.Cancellable, SendPermits.Settled {
    private Command next;

    @Override
    public final Command next() {
        return next;
    }

    @Override
    public final void next(Command command) {
        next = command;
    }

    @Override
    public final void run() {
        submit(System.nanoTime());
    }

    /**
     * On the I/O thread: hands the work to the engine.
     *
     * @param now the turn's time, in {@link System#nanoTime()} nanoseconds
     */
    abstract void submit(long now);
}
