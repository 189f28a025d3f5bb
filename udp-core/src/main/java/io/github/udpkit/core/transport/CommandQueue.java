package io.github.udpkit.core.transport;

import io.github.udpkit.api.UdpException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

/**
 * The commands callers leave for an endpoint's I/O thread: a lock-free stack that any thread
 * pushes on and the I/O thread takes whole, oldest first. Bounded by the callers' own limits (the
 * send windows' permits), not here.
 */
final class CommandQueue {

    private final AtomicReference<Command> head = new AtomicReference<>();

    /** Pushes a command; any thread. */
    void push(Command command) {
        for (Command top = head.get(); ; top = head.get()) {
            command.next(top);
            if (head.compareAndSet(top, command)) {
                return;
            }
        }
    }

    /** Whether no command waits. */
    boolean isEmpty() {
        return head.get() == null;
    }

    /** Takes every queued command, oldest first, as a list linked through {@link Command#next()}. */
    Command takeAll() {
        // A read first: the swap's write would take the line from the senders on every idle turn.
        Command newestFirst = head.get() == null ? null : head.getAndSet(null);
        Command oldestFirst = null;
        while (newestFirst != null) {
            Command next = newestFirst.next();
            newestFirst.next(oldestFirst);
            oldestFirst = newestFirst;
            newestFirst = next;
        }
        return oldestFirst;
    }

    /** Takes every queued command and fails those that owe an answer; the others have nothing left to do. */
    void cancelAll(Supplier<? extends UdpException> reason) {
        for (Command command = takeAll(); command != null; ) {
            Command next = command.next();
            command.next(null);
            if (command instanceof Command.Cancellable c) {
                c.cancel(reason.get());
            }
            command = next;
        }
    }
}
