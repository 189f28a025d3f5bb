package io.github.udpkit.chat;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;

/** A {@link FrameSink} that keeps what the core sent, for tests to take and check. */
final class RecordingSink implements FrameSink {

    record Sent(InetSocketAddress to, ChatFrame frame) {
    }

    private final List<Sent> sent = new ArrayList<>();
    private final List<String> lines = new ArrayList<>();

    @Override
    public void send(InetSocketAddress to, ChatFrame frame) {
        sent.add(new Sent(to, frame));
    }

    /** Lines to plain members, kept as {@code "ADDRESS-PORT line"} so tests compare them as strings. */
    @Override
    public void sendPlain(InetSocketAddress to, String line) {
        lines.add(to.getPort() + " " + line);
    }

    /** The lines sent to plain members since the last call, as {@code "PORT line"}, and forgets them. */
    List<String> takeLines() {
        List<String> all = List.copyOf(lines);
        lines.clear();
        return all;
    }

    /** Everything sent since the last take, in order, and forgets it. */
    List<Sent> take() {
        List<Sent> all = List.copyOf(sent);
        sent.clear();
        return all;
    }

    /** The frames sent to one address since the last take (the others stay). */
    List<ChatFrame> to(InetSocketAddress address) {
        List<ChatFrame> frames = new ArrayList<>();
        for (Sent s : sent) {
            if (s.to().equals(address)) {
                frames.add(s.frame());
            }
        }
        return frames;
    }

    int size() {
        return sent.size();
    }

    void clear() {
        sent.clear();
    }

    /** A loopback address with port 10000 + n: a value for the core, never used on a network. */
    static InetSocketAddress address(int n) {
        return new InetSocketAddress(InetAddress.getLoopbackAddress(), 10_000 + n);
    }
}
