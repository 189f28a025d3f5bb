package io.github.udpkit.core.transport;

import io.github.udpkit.api.UdpException;

/**
 * Work for an endpoint's I/O thread, queued on a {@link CommandQueue} and linked to the command
 * pushed before it, so that queueing one allocates nothing beyond the command itself.
 */
interface Command extends Runnable {
    Command next();

    void next(Command command);

    /** A queued command that owes a caller an answer if it never runs. */
    interface Cancellable extends Command {
        void cancel(UdpException reason);
    }

    /** Any other work for the I/O thread, as a command. */
    class Task implements Command {
        private final Runnable body;
        private Command next;

        Task(Runnable body) {
            this.body = body;
        }

        @Override
        public Command next() {
            return next;
        }

        @Override
        public void next(Command command) {
            next = command;
        }

        @Override
        public void run() {
            body.run();
        }
    }
}
