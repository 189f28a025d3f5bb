package io.github.udpkit.chat;

import static org.junit.jupiter.api.Assertions.fail;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/** A {@link ChatListener} that writes every event as a line, for tests to wait on, boundedly. */
final class EventRecorder implements ChatListener {

    private final BlockingQueue<String> events = new LinkedBlockingQueue<>();
    private final List<String> seen = new ArrayList<>();

    @Override
    public void onJoined(ChatJoined joined) {
        events.add("joined " + joined.room() + " " + joined.members());
    }

    @Override
    public void onMessage(ChatMessage m) {
        events.add((m.isPrivate() ? "private " : "message ") + m.sender() + ": " + m.text());
    }

    @Override
    public void onMemberJoined(String room, String name) {
        events.add("+" + name);
    }

    @Override
    public void onMemberLeft(String room, String name, LeaveReason reason) {
        events.add("-" + name + " " + reason);
    }

    @Override
    public void onJoinRejected(ChatNotice rejection) {
        events.add("rejected " + rejection.reason());
    }

    @Override
    public void onNotice(ChatNotice notice) {
        events.add("notice " + notice.reason());
    }

    @Override
    public void onMembers(String room, List<String> members) {
        events.add("members " + members);
    }

    @Override
    public void onDisconnected(LeaveReason reason) {
        events.add("disconnected " + reason);
    }

    /**
     * Waits until an event that matches has been seen (now or earlier), keeping every event seen on
     * the way; fails after the timeout.
     */
    synchronized String await(Predicate<String> wanted, Duration timeout) {
        for (String e : seen) {
            if (wanted.test(e)) {
                return e;
            }
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        try {
            while (true) {
                long left = deadline - System.nanoTime();
                String e = left <= 0 ? null : events.poll(left, TimeUnit.NANOSECONDS);
                if (e == null) {
                    return fail("no matching event within " + timeout.toMillis() + " ms; saw " + seen);
                }
                seen.add(e);
                if (wanted.test(e)) {
                    return e;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return fail("interrupted");
        }
    }

    String await(String exact, Duration timeout) {
        return await(exact::equals, timeout);
    }

    /** Every event seen by {@link #await} so far, in order, plus whatever is waiting now. */
    synchronized List<String> seen() {
        events.drainTo(seen);
        return List.copyOf(seen);
    }

    /** The messages among {@link #seen()}. */
    List<String> messages() {
        return seen().stream().filter(e -> e.startsWith("message ") || e.startsWith("private ")).toList();
    }
}
