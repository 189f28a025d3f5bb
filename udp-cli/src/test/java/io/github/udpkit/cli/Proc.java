package io.github.udpkit.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.regex.Pattern;

/**
 * A program started by a test: what it prints is collected as it comes, lines can be typed into
 * it, and every wait is bounded ({@link SeedNamespace#WAIT_SECONDS}).
 */
final class Proc {

    private final String name;
    private final Process process;
    private final StringBuffer out = new StringBuffer();
    private final StringBuffer err = new StringBuffer();
    private final OutputStream stdin;
    private final Thread outReader;
    private final Thread errReader;

    Proc(String name, Process process) {
        this.name = name;
        this.process = process;
        this.stdin = process.getOutputStream();
        this.outReader = collect(process.getInputStream(), out, name + "-out");
        this.errReader = collect(process.getErrorStream(), err, name + "-err");
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
                into.append("(read failed: ").append(e).append(')');
            }
        }, thread);
        t.setDaemon(true);
        t.start();
        return t;
    }

    /** Types a line (and a line break) into the program. */
    Proc type(String line) throws IOException {
        stdin.write((line + "\n").getBytes(StandardCharsets.UTF_8));
        stdin.flush();
        return this;
    }

    /** Closes the program's standard input. */
    void endInput() throws IOException {
        stdin.close();
    }

    /** Waits until standard output contains {@code fragment}; returns all of it. */
    String awaitOut(String fragment) throws InterruptedException {
        return await(out, s -> s.contains(fragment), "'" + fragment + "' on stdout");
    }

    /** Waits until standard output matches {@code regex} somewhere; returns all of it. */
    String awaitOutMatching(String regex) throws InterruptedException {
        Pattern p = Pattern.compile(regex);
        return await(out, s -> p.matcher(s).find(), "/" + regex + "/ on stdout");
    }

    /** Waits until standard error contains {@code fragment}; returns all of it. */
    String awaitErr(String fragment) throws InterruptedException {
        return await(err, s -> s.contains(fragment), "'" + fragment + "' on stderr");
    }

    private String await(StringBuffer buffer, Predicate<String> done, String what) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(SeedNamespace.WAIT_SECONDS);
        synchronized (buffer) {
            while (!done.test(buffer.toString())) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new AssertionError("no " + what + " within " + SeedNamespace.WAIT_SECONDS + " s: " + describe());
                }
                TimeUnit.NANOSECONDS.timedWait(buffer, left);
            }
            return buffer.toString();
        }
    }

    /** Waits for the program to end; returns its exit code. */
    int awaitExit() throws InterruptedException {
        if (!process.waitFor(SeedNamespace.WAIT_SECONDS, TimeUnit.SECONDS)) {
            throw new AssertionError(name + " did not end within " + SeedNamespace.WAIT_SECONDS + " s: " + describe());
        }
        // The program has ended, but its last output may still be in the pipe: read it to the end
        // (bounded, in case a child of the program holds the pipe open) before anyone asks for it.
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(SeedNamespace.WAIT_SECONDS);
        for (Thread reader : new Thread[] {outReader, errReader}) {
            long left = deadline - System.nanoTime();
            if (left > 0) {
                TimeUnit.NANOSECONDS.timedJoin(reader, left);
            }
        }
        return process.exitValue();
    }

    String out() {
        return out.toString();
    }

    String err() {
        return err.toString();
    }

    String describe() {
        return "[" + name + (process.isAlive() ? ", running" : ", exit " + process.exitValue()) + "]\nstdout: " + out
                + "\nstderr: " + err;
    }

    void kill() {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
    }
}
