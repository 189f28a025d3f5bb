package io.github.udpkit.api.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * A program a test runs (python3, openssl, a second JVM, the udpkit command): what it prints is
 * collected as it comes, lines can be typed into it, and every wait is bounded by the limit it was
 * started with. The one process runner of the test trees; {@link #cannotRun} is how a test finds
 * out that a program it needs is missing, so that it aborts with the reason instead of passing.
 */
public final class Proc implements AutoCloseable {

    private final String name;
    private final Process process;
    private final long waitSeconds;
    private final StringBuffer out = new StringBuffer();
    private final StringBuffer err = new StringBuffer();
    private final OutputStream stdin;
    private final Thread outReader;
    private final Thread errReader;
    /** Where {@link #nextLine()} reads on from, in {@link #out}. */
    private int lineCursor;

    private Proc(String name, Process process, long waitSeconds) {
        this.name = name;
        this.process = process;
        this.waitSeconds = waitSeconds;
        this.stdin = process.getOutputStream();
        this.outReader = collect(process.getInputStream(), out, name + "-out");
        this.errReader = collect(process.getErrorStream(), err, name + "-err");
    }

    /**
     * Starts a program.
     *
     * @param name how failure messages call it
     * @param command the program and its settings (redirect standard error to merge it into {@link #out()})
     * @param waitSeconds the bound on every wait for it
     * @return the running program
     * @throws IOException if it cannot be started (not installed, say)
     */
    public static Proc start(String name, ProcessBuilder command, long waitSeconds) throws IOException {
        return new Proc(name, command.start(), waitSeconds);
    }

    /**
     * Runs a program to its end: {@code stdin} typed in and closed, then a bounded wait for its exit.
     *
     * @param waitSeconds the bound on the wait
     * @param stdin what it reads, empty for nothing
     * @param command the program and its arguments
     * @return its exit code and what it printed
     * @throws IOException if it cannot be started
     * @throws AssertionError if it does not end within the wait (it is killed)
     */
    public static Result run(long waitSeconds, String stdin, List<String> command) throws IOException {
        try (Proc p = start(command.get(0), new ProcessBuilder(command), waitSeconds)) {
            p.stdin.write(stdin.getBytes(StandardCharsets.UTF_8));
            p.endInput();
            int exit = p.awaitExit();
            return new Result(exit, p.out(), p.err());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted waiting for " + command.get(0), e);
        }
    }

    /**
     * Why a command does not run here and exit 0 within the wait, or {@code null} when it does: how a
     * test asks whether a program (or a Python module) it needs is installed.
     *
     * @param waitSeconds the bound on the wait
     * @param command the program and its arguments, e.g. {@code python3 -c "import cryptography"}
     * @return null, or the reason, for an assumption's message
     */
    public static String cannotRun(long waitSeconds, String... command) {
        String shown = String.join(" ", command);
        try {
            Result r = run(waitSeconds, "", List.of(command));
            return r.exitCode() == 0 ? null
                    : "'" + shown + "' exited with " + r.exitCode() + ": " + (r.stderr() + r.stdout()).strip();
        } catch (IOException | AssertionError e) {
            return "'" + shown + "' cannot run here: " + e.getMessage();
        }
    }

    /**
     * What a finished program returned and printed.
     *
     * @param exitCode its exit code
     * @param stdout its standard output
     * @param stderr its standard error
     */
    public record Result(int exitCode, String stdout, String stderr) {
    }

    private static Thread collect(InputStream in, StringBuffer into, String thread) {
        Thread t = new Thread(() -> {
            byte[] buffer = new byte[4096];
            try (in) {
                // Decoded per read: what the programs print here is ASCII or whole lines of UTF-8.
                for (int n; (n = in.read(buffer)) > 0; ) {
                    synchronized (into) {
                        into.append(new String(buffer, 0, n, StandardCharsets.UTF_8));
                        into.notifyAll();
                    }
                }
            } catch (IOException e) {
                synchronized (into) {
                    into.append("(read failed: ").append(e).append(')');
                    into.notifyAll();
                }
            }
        }, thread);
        t.setDaemon(true);
        t.start();
        return t;
    }

    /**
     * Types a line (and a line break) into the program.
     *
     * @param line what to type
     * @return this
     * @throws IOException if its input is closed
     */
    public Proc type(String line) throws IOException {
        stdin.write((line + "\n").getBytes(StandardCharsets.UTF_8));
        stdin.flush();
        return this;
    }

    /**
     * Closes the program's standard input.
     *
     * @throws IOException as {@link OutputStream#close()}
     */
    public void endInput() throws IOException {
        stdin.close();
    }

    /**
     * Waits until standard output contains {@code fragment}.
     *
     * @param fragment what to wait for
     * @return all of standard output so far
     * @throws InterruptedException if interrupted
     */
    public String awaitOut(String fragment) throws InterruptedException {
        return await(out, s -> s.contains(fragment) ? s : null, "'" + fragment + "' on stdout");
    }

    /**
     * Waits until standard output matches {@code regex} somewhere.
     *
     * @param regex what to wait for
     * @return all of standard output so far
     * @throws InterruptedException if interrupted
     */
    public String awaitOutMatching(String regex) throws InterruptedException {
        Pattern p = Pattern.compile(regex);
        return await(out, s -> p.matcher(s).find() ? s : null, "/" + regex + "/ on stdout");
    }

    /**
     * Waits until standard error contains {@code fragment}.
     *
     * @param fragment what to wait for
     * @return all of standard error so far
     * @throws InterruptedException if interrupted
     */
    public String awaitErr(String fragment) throws InterruptedException {
        return await(err, s -> s.contains(fragment) ? s : null, "'" + fragment + "' on stderr");
    }

    /**
     * Waits for a whole line of standard output that contains {@code fragment}, among all it printed.
     *
     * @param fragment what to wait for
     * @return the first such line, without its line break
     * @throws InterruptedException if interrupted
     */
    public String awaitLine(String fragment) throws InterruptedException {
        return await(out, s -> {
            for (int start = 0, end; (end = s.indexOf('\n', start)) >= 0; start = end + 1) {
                String line = s.substring(start, end);
                if (line.contains(fragment)) {
                    return line;
                }
            }
            return null;
        }, "a line with '" + fragment + "' on stdout");
    }

    /**
     * Waits for the next whole line of standard output: the lines in the order printed, each once.
     *
     * @return the line, without its line break
     * @throws InterruptedException if interrupted
     */
    public String nextLine() throws InterruptedException {
        return await(out, s -> {
            int end = s.indexOf('\n', lineCursor);
            if (end < 0) {
                return null;
            }
            String line = s.substring(lineCursor, end);
            lineCursor = end + 1;
            return line;
        }, "another line on stdout");
    }

    /** Waits until {@code found} finds something in the buffer, and returns that. */
    private String await(StringBuffer buffer, Function<String, String> found, String what)
            throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(waitSeconds);
        synchronized (buffer) {
            while (true) {
                String result = found.apply(buffer.toString());
                if (result != null) {
                    return result;
                }
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new AssertionError("no " + what + " within " + waitSeconds + " s: " + describe());
                }
                TimeUnit.NANOSECONDS.timedWait(buffer, left);
            }
        }
    }

    /**
     * Waits for the program to end, and for what it printed last.
     *
     * @return its exit code
     * @throws InterruptedException if interrupted
     * @throws AssertionError if it does not end within the wait (it is killed)
     */
    public int awaitExit() throws InterruptedException {
        if (!process.waitFor(waitSeconds, TimeUnit.SECONDS)) {
            kill();
            throw new AssertionError(name + " did not end within " + waitSeconds + " s: " + describe());
        }
        // The program has ended, but its last output may still be in the pipe: read it to the end
        // (bounded, in case a child of the program holds the pipe open) before anyone asks for it.
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(waitSeconds);
        for (Thread reader : new Thread[] {outReader, errReader}) {
            long left = deadline - System.nanoTime();
            if (left > 0) {
                TimeUnit.NANOSECONDS.timedJoin(reader, left);
            }
        }
        return process.exitValue();
    }

    /**
     * Standard output so far (with standard error, when the command redirected it there).
     *
     * @return the text
     */
    public String out() {
        return out.toString();
    }

    /**
     * Standard error so far.
     *
     * @return the text
     */
    public String err() {
        return err.toString();
    }

    /**
     * The program's name, state and output, for failure messages.
     *
     * @return a description
     */
    public String describe() {
        return "[" + name + (process.isAlive() ? ", running" : ", exit " + process.exitValue()) + "]\nstdout: " + out
                + "\nstderr: " + err;
    }

    /** Kills the program and its children at once. */
    public void kill() {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
    }

    /** Kills the program, if it still runs. */
    @Override
    public void close() {
        kill();
    }

    /** Shows the name and whether it runs. */
    @Override
    public String toString() {
        return "Proc[" + Objects.requireNonNull(name) + (process.isAlive() ? ", running]" : "]");
    }
}
