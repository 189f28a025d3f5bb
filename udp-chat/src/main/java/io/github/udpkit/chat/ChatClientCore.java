package io.github.udpkit.chat;

import io.github.udpkit.core.security.Identity;
import io.github.udpkit.core.security.PublicIdentity;
import io.github.udpkit.core.security.SignatureRejectedException;
import io.github.udpkit.core.security.SignatureVerifier;
import io.github.udpkit.core.security.SignedMessage;
import io.github.udpkit.core.security.Signer;
import io.github.udpkit.core.security.TrustStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * The client side of the chat protocol without sockets, threads or clock: it turns the frames a
 * server sends into {@link ChatListener} events, keeps the client's view of its room, checks what
 * arrives before showing it, and says when a keep-alive ping is due. {@link ChatClient} drives it
 * on an endpoint; a simulation drives it in virtual time.
 *
 * <p>Frames are checked as a careful client would check them from any server: names, room names
 * and texts must keep {@link ChatText}'s rules (so no control character or bidirectional override
 * reaches a terminal), within the wire format's bounds. A frame that breaks them, or one a server
 * never sends, is dropped and counted.
 *
 * <p>{@link #onFrame} must be called from one thread at a time; the getters and {@link #onSent}
 * may be called from any thread.
 *
 * @since 0.1.0
 */
public final class ChatClientCore {

    /** The most names whose changed key is remembered as already reported. */
    private static final int MAX_WARNED_NAMES = 1024;
    /** The most keys a client without a known-keys store remembers in memory. */
    static final int MEMORY_KNOWN_KEYS = 10_000;

    private final String name;
    private final String room;
    private final ChatListener listener;
    private volatile ChatJoined joined;
    /** The folded name of the room joined, so presence events compare without folding it each time. */
    private volatile String joinedRoomFold;
    /**
     * The room's members in join order, kept up one presence event at a time (O(1) each: a
     * thousand-member room sends a thousand of them); guarded by itself.
     */
    private final LinkedHashSet<String> memberSet = new LinkedHashSet<>();
    /** A copy of {@link #memberSet} for readers, made when asked for after a change; guarded by memberSet. */
    private List<String> membersView = List.of();
    private volatile boolean disconnected;
    private volatile long lastSentMillis;
    private volatile long invalidFrames;
    private volatile long refusedMessages;
    /** Signs what this member says; {@code null} for a member without an identity. */
    private final Signer signer;
    /** Checks what other members said against the keys this client knows. */
    private final SignatureVerifier verifier;
    /** Names whose changed key was already reported, so each is warned of once; bounded. */
    private final Set<String> warnedChanged = Collections.newSetFromMap(new LinkedHashMap<>() {
        private static final long serialVersionUID = 1L;

        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
            return size() > MAX_WARNED_NAMES;
        }
    });

    /**
     * Creates the client side for a member.
     *
     * @param name the name to join as; must keep the name rules
     * @param room the room to join, or the empty string for the server's default room
     * @param listener hears what happens
     * @throws IllegalArgumentException naming the problem if the name or room breaks the rules
     */
    public ChatClientCore(String name, String room, ChatListener listener) {
        this(name, room, listener, null, SignatureVerifier.of(TrustStore.trustOnFirstUse(MEMORY_KNOWN_KEYS)));
    }

    /**
     * Creates the client side for a member that signs what it says and checks what others said.
     *
     * @param name the name to join as; must keep the name rules, and those of a signer's name
     * @param room the room to join, or the empty string for the server's default room
     * @param listener hears what happens
     * @param identity signs this member's JOIN, messages and private messages; {@code null} for a
     *     member without an identity
     * @param verifier checks other members' signatures against the keys this client knows
     * @throws IllegalArgumentException naming the problem if the name or room breaks the rules
     */
    public ChatClientCore(String name, String room, ChatListener listener, Identity identity,
                          SignatureVerifier verifier) {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(room, "room");
        ChatText.checkName(name, ChatCodec.MAX_NAME_BYTES, ChatCodec.MAX_NAME_BYTES).ifPresent(v -> {
            throw new IllegalArgumentException("name '" + printable(name) + "' is not valid: " + v.text());
        });
        if (!room.isEmpty()) {
            ChatText.checkRoom(room, ChatCodec.MAX_NAME_BYTES, ChatCodec.MAX_NAME_BYTES).ifPresent(v -> {
                throw new IllegalArgumentException("room '" + printable(room) + "' is not valid: " + v.text());
            });
        }
        this.name = name;
        this.room = room;
        this.listener = Objects.requireNonNull(listener, "listener");
        this.verifier = Objects.requireNonNull(verifier, "verifier");
        if (identity != null) {
            try {
                this.signer = Signer.of(identity, name);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("name '" + printable(name) + "' cannot be signed: " + e.getMessage(), e);
            }
        } else {
            this.signer = null;
        }
    }

    /**
     * The frame that asks to join.
     *
     * @return a JOIN with the name and room, signed when this member has an identity
     */
    public ChatFrame.Join joinFrame() {
        return new ChatFrame.Join(name, room, signer == null ? null : ChatSignature.join(signer, room));
    }

    /**
     * The frame that says something to the room.
     *
     * @param text the message
     * @return a SAY, signed when this member has an identity
     */
    public ChatFrame.Say sayFrame(String text) {
        Objects.requireNonNull(text, "text");
        return new ChatFrame.Say(text, signer == null ? null : ChatSignature.say(signer, currentRoom(), text));
    }

    /**
     * The frame that says something to one member.
     *
     * @param to the recipient's name
     * @param text the message
     * @return a PRIVATE, signed when this member has an identity
     */
    public ChatFrame.Private privateFrame(String to, String text) {
        Objects.requireNonNull(to, "to");
        Objects.requireNonNull(text, "text");
        return new ChatFrame.Private(to, text, signer == null ? null
                : ChatSignature.whisper(signer, currentRoom(), to, text));
    }

    /** The room messages are signed for: the one joined, or the one asked for before the answer. */
    private String currentRoom() {
        ChatJoined j = joined;
        return j != null ? j.room() : room;
    }

    /**
     * Whether this member signs what it says.
     *
     * @return true with an identity
     */
    public boolean signs() {
        return signer != null;
    }

    /**
     * Messages refused for their signature: altered, replayed, moved from another room, signed by a
     * changed key, or unsigned under a name with a known key.
     *
     * @return the count
     */
    public long refusedMessages() {
        return refusedMessages;
    }

    /**
     * Handles a frame from the server.
     *
     * @param frame the decoded frame
     */
    public void onFrame(ChatFrame frame) {
        Objects.requireNonNull(frame, "frame");
        if (disconnected || !isValid(frame)) {
            invalidFrames++;
            return;
        }
        if (frame instanceof ChatFrame.Message m) {
            ChatJoined j = joined;
            String me = j != null ? j.name() : name;
            byte[] payload = m.isPrivate() ? ChatSignature.privatePayload(me, m.text()) : ChatSignature.sayPayload(m.text());
            if (accepted(m.room(), m.from(), m.signature(), payload, false)) {
                listener.onMessage(ChatMessage.of(m, m.signature() == null ? null : m.signature().key()));
            }
        } else if (frame instanceof ChatFrame.Joined j) {
            List<ChatMessage> history = new ArrayList<>(j.history().size());
            for (ChatFrame.HistoryEntry e : j.history()) {
                if (accepted(j.room(), e.from(), e.signature(), ChatSignature.sayPayload(e.text()), true)) {
                    history.add(ChatMessage.of(j.room(), e, e.signature() == null ? null : e.signature().key()));
                }
            }
            ChatJoined now = new ChatJoined(j.room(), j.name(), j.members(), history,
                    Duration.ofMillis(j.idleTimeoutMillis()), j.rateBurst(), Duration.ofMillis(j.rateRefillMillis()));
            joined = now;
            joinedRoomFold = ChatText.fold(now.room());
            replaceMembers(now.members());
            listener.onJoined(now);
        } else if (frame instanceof ChatFrame.MemberJoined mj) {
            if (inMyRoom(mj.room())) {
                synchronized (memberSet) {
                    memberSet.add(mj.name());
                    membersView = null;
                }
            }
            listener.onMemberJoined(mj.room(), mj.name());
        } else if (frame instanceof ChatFrame.MemberLeft ml) {
            if (inMyRoom(ml.room())) {
                synchronized (memberSet) {
                    memberSet.remove(ml.name());
                    membersView = null;
                }
            }
            listener.onMemberLeft(ml.room(), ml.name(), ml.reason());
        } else if (frame instanceof ChatFrame.Members ms) {
            if (inMyRoom(ms.room())) {
                replaceMembers(ms.names());
            }
            listener.onMembers(ms.room(), ms.names());
        } else if (frame instanceof ChatFrame.Rejected r) {
            listener.onJoinRejected(new ChatNotice(r.reason(), r.explanation()));
        } else if (frame instanceof ChatFrame.Notice n) {
            listener.onNotice(new ChatNotice(n.reason(), n.explanation()));
        } else if (frame instanceof ChatFrame.Bye b) {
            disconnected(b.reason());
        } else {
            invalidFrames++; // a client frame: no server sends one
        }
    }

    /**
     * Checks a message's signature, or its absence, against the keys this client knows, and tells
     * the listener what it learned or refused.
     *
     * @param archived a history line: its sequence number is not checked for replays
     * @return whether to show the message
     */
    private boolean accepted(String room, String from, ChatSignature signature, byte[] payload, boolean archived) {
        String fold = ChatText.fold(from);
        if (signature == null) {
            Optional<PublicIdentity> known = verifier.trustStore().keyOf(fold);
            if (known.isEmpty()) {
                return true;
            }
            refuse(from, SignatureRejectedException.Reason.CHANGED_KEY, "unsigned message from " + from
                    + ", whose key is " + known.get().fingerprint());
            return false;
        }
        TrustStore.Verdict verdict;
        try {
            SignedMessage m = signature.message(from, payload);
            String context = ChatText.fold(room);
            verdict = archived ? verifier.verifyArchived(context, m, fold) : verifier.verify(context, m, fold);
        } catch (SignatureRejectedException e) {
            if (e.reason() == SignatureRejectedException.Reason.CHANGED_KEY) {
                refusedMessages++;
                if (warnedChanged.add(fold)) {
                    listener.onKeyChanged(from, verifier.trustStore().keyOf(fold).orElse(signature.key()),
                            signature.key());
                }
            } else {
                refuse(from, e.reason(), e.getMessage());
            }
            return false;
        } catch (IllegalArgumentException e) {
            refuse(from, SignatureRejectedException.Reason.BAD_SIGNATURE, "cannot be verified: " + e.getMessage());
            return false;
        }
        if (verdict == TrustStore.Verdict.NEW) {
            listener.onNewKey(from, signature.key());
        }
        return true;
    }

    private void refuse(String from, SignatureRejectedException.Reason reason, String detail) {
        refusedMessages++;
        listener.onMessageRefused(from, reason, detail);
    }

    /**
     * Records that the connection to the server is gone, and tells the listener once.
     *
     * @param reason why
     * @return whether this call was the one that told the listener
     */
    public boolean disconnected(LeaveReason reason) {
        Objects.requireNonNull(reason, "reason");
        if (disconnected) {
            return false;
        }
        disconnected = true;
        listener.onDisconnected(reason);
        return true;
    }

    /**
     * Records that the client sent a frame now, which postpones the next keep-alive.
     *
     * @param nowMillis the current time
     */
    public void onSent(long nowMillis) {
        lastSentMillis = nowMillis;
    }

    /**
     * A keep-alive ping if one is due: once joined, when nothing was sent for a third of the
     * server's idle timeout.
     *
     * @param nowMillis the current time
     * @return the ping to send (and record with {@link #onSent}), or empty
     */
    public Optional<ChatFrame.Ping> pingIfDue(long nowMillis) {
        ChatJoined j = joined;
        if (j == null || disconnected || nowMillis - lastSentMillis < pingIntervalMillis(j)) {
            return Optional.empty();
        }
        return Optional.of(new ChatFrame.Ping());
    }

    /**
     * How often the client pings when it has nothing to say: a third of the server's idle timeout,
     * so two pings may be lost before the server gives up.
     *
     * @return the interval, or empty before joining
     */
    public Optional<Duration> pingInterval() {
        ChatJoined j = joined;
        return j == null ? Optional.empty() : Optional.of(Duration.ofMillis(pingIntervalMillis(j)));
    }

    /**
     * The name this client joins as.
     *
     * @return the name
     */
    public String name() {
        return name;
    }

    /**
     * The room this client is in, as the server last said.
     *
     * @return the latest join, or empty before the first
     */
    public Optional<ChatJoined> joined() {
        return Optional.ofNullable(joined);
    }

    /**
     * The members of the client's room as the client knows them: from the join, then kept up by
     * presence announcements and who answers.
     *
     * @return the names in join order
     */
    public List<String> members() {
        synchronized (memberSet) {
            if (membersView == null) {
                membersView = List.copyOf(memberSet);
            }
            return membersView;
        }
    }

    private void replaceMembers(List<String> names) {
        synchronized (memberSet) {
            memberSet.clear();
            memberSet.addAll(names);
            membersView = null;
        }
    }

    /**
     * Whether the server said goodbye or was lost.
     *
     * @return true once disconnected
     */
    public boolean isDisconnected() {
        return disconnected;
    }

    /**
     * Frames dropped because they broke the rules or came after the disconnection.
     *
     * @return the count
     */
    public long invalidFrames() {
        return invalidFrames;
    }

    private boolean inMyRoom(String r) {
        String mine = joinedRoomFold;
        return mine != null && (r.equals(joined.room()) || mine.equals(ChatText.fold(r)));
    }

    private static long pingIntervalMillis(ChatJoined j) {
        return Math.max(1, j.idleTimeout().toMillis() / 3);
    }

    // ---------------------------------------------------------------- checks of what arrives

    private static boolean isValid(ChatFrame frame) {
        if (frame instanceof ChatFrame.Message m) {
            return validRoom(m.room()) && validName(m.from()) && validText(m.text());
        } else if (frame instanceof ChatFrame.Joined j) {
            if (!validRoom(j.room()) || !validName(j.name())) {
                return false;
            }
            for (String n : j.members()) {
                if (!validName(n)) {
                    return false;
                }
            }
            for (ChatFrame.HistoryEntry e : j.history()) {
                if (!validName(e.from()) || !validText(e.text())) {
                    return false;
                }
            }
            return true;
        } else if (frame instanceof ChatFrame.MemberJoined mj) {
            return validRoom(mj.room()) && validName(mj.name());
        } else if (frame instanceof ChatFrame.MemberLeft ml) {
            return validRoom(ml.room()) && validName(ml.name());
        } else if (frame instanceof ChatFrame.Members ms) {
            if (!validRoom(ms.room())) {
                return false;
            }
            for (String n : ms.names()) {
                if (!validName(n)) {
                    return false;
                }
            }
            return true;
        } else if (frame instanceof ChatFrame.Rejected r) {
            return r.text().isEmpty() || validText(r.text());
        } else if (frame instanceof ChatFrame.Notice n) {
            return n.text().isEmpty() || validText(n.text());
        }
        return true;
    }

    private static boolean validName(String n) {
        return ChatText.checkName(n, ChatCodec.MAX_NAME_BYTES, ChatCodec.MAX_NAME_BYTES).isEmpty();
    }

    private static boolean validRoom(String r) {
        return ChatText.checkRoom(r, ChatCodec.MAX_NAME_BYTES, ChatCodec.MAX_NAME_BYTES).isEmpty();
    }

    private static boolean validText(String t) {
        return ChatText.checkText(t, ChatCodec.MAX_TEXT_BYTES, ChatCodec.MAX_TEXT_BYTES).isEmpty();
    }

    /** A form of user input safe to put in an exception message: control and bidi characters escaped. */
    static String printable(String s) {
        StringBuilder sb = new StringBuilder(Math.min(s.length(), 80));
        for (int i = 0; i < s.length() && sb.length() < 80; ) {
            int cp = s.codePointAt(i);
            int type = Character.getType(cp);
            if (type == Character.CONTROL || type == Character.FORMAT || type == Character.SURROGATE
                    || type == Character.LINE_SEPARATOR || type == Character.PARAGRAPH_SEPARATOR) {
                sb.append(String.format(java.util.Locale.ROOT, "\\u%04X", cp));
            } else {
                sb.appendCodePoint(cp);
            }
            i += Character.charCount(cp);
        }
        return sb.toString();
    }
}
