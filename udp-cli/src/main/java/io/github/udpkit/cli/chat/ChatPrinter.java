package io.github.udpkit.cli.chat;

import io.github.udpkit.chat.ChatJoined;
import io.github.udpkit.chat.ChatLines;
import io.github.udpkit.chat.ChatListener;
import io.github.udpkit.chat.ChatMessage;
import io.github.udpkit.chat.ChatNotice;
import io.github.udpkit.chat.LeaveReason;
import io.github.udpkit.core.security.PublicIdentity;
import io.github.udpkit.core.security.SignatureRejectedException;
import java.io.PrintWriter;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;

/**
 * Prints a chat client's events as a person reads them: {@code [HH:MM:SS] name: text} in local
 * time for messages, {@code * name joined} / {@code * name left} for presence, and {@code ! ...}
 * on the error stream for refusals, notices and a lost server. Everything printed has passed the
 * client's checks, so no control or bidirectional character reaches the terminal.
 */
final class ChatPrinter implements ChatListener {

    private final PrintWriter out;
    private final PrintWriter err;
    private final ChatLines lines;
    private final boolean showUnsigned;

    ChatPrinter(PrintWriter out, PrintWriter err, ZoneId zone) {
        this(out, err, zone, false);
    }

    /**
     * A printer that, when this member uses signatures, marks messages from members without an
     * identity {@code (unsigned)}.
     */
    ChatPrinter(PrintWriter out, PrintWriter err, ZoneId zone, boolean showUnsigned) {
        this.out = out;
        this.err = err;
        this.lines = new ChatLines(zone);
        this.showUnsigned = showUnsigned;
    }

    /** {@code HH:MM:SS} of an instant in this printer's zone. */
    String time(Instant instant) {
        return lines.time(instant);
    }

    /** The line a message is shown as. */
    String format(ChatMessage m) {
        String sender = showUnsigned && !m.isSigned() ? m.sender() + " (unsigned)" : m.sender();
        return lines.message(sender, m.serverTime(), m.text(), m.isPrivate());
    }

    @Override
    public void onJoined(ChatJoined joined) {
        line(out, ChatLines.joined(joined.room(), joined.name(), joined.members()));
        for (ChatMessage m : joined.history()) {
            line(out, format(m));
        }
    }

    @Override
    public void onMessage(ChatMessage message) {
        line(out, format(message));
    }

    @Override
    public void onMemberJoined(String room, String name) {
        line(out, ChatLines.memberJoined(name));
    }

    @Override
    public void onMemberLeft(String room, String name, LeaveReason reason) {
        line(out, ChatLines.memberLeft(name, reason));
    }

    @Override
    public void onMembers(String room, List<String> members) {
        line(out, ChatLines.members(room, members));
    }

    @Override
    public void onJoinRejected(ChatNotice rejection) {
        line(err, "! join refused: " + rejection.text());
    }

    @Override
    public void onNotice(ChatNotice notice) {
        line(err, "! " + notice.text());
    }

    @Override
    public void onDisconnected(LeaveReason reason) {
        line(err, "! disconnected: " + reason.describe());
    }

    @Override
    public void onNewKey(String name, PublicIdentity key) {
        line(out, "* " + name + "'s key is " + key.fingerprint() + " (new: compare it with " + name + ")");
    }

    @Override
    public void onKeyChanged(String name, PublicIdentity known, PublicIdentity presented) {
        line(err, "! WARNING: " + name + " CAME BACK WITH A DIFFERENT KEY: known as " + known.fingerprint()
                + ", now " + presented.fingerprint() + ". Someone may be speaking in " + name
                + "'s name; their messages are refused. If " + name + " really has a new key, remove the old one "
                + "from your known-keys file.");
    }

    @Override
    public void onMessageRefused(String sender, SignatureRejectedException.Reason reason, String detail) {
        line(err, "! refused a message claiming to be from " + sender + ": " + detail);
    }

    /** Prints a line of the command's own to the error stream. */
    void problem(String text) {
        line(err, "! " + text);
    }

    private static void line(PrintWriter w, String s) {
        synchronized (w) {
            w.println(s);
            w.flush();
        }
    }
}
