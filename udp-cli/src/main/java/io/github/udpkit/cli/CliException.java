package io.github.udpkit.cli;

/**
 * A failure the user can fix (a port in use, an unknown host, input too long), reported as one line
 * on standard error with exit code 2 and no stack trace.
 */
final class CliException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    CliException(String message) {
        super(message);
    }

    CliException(String message, Throwable cause) {
        super(message, cause);
    }
}
