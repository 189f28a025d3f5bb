package io.github.udpkit.chat;

import static com.google.common.base.Preconditions.checkArgument;

import io.github.udpkit.core.protocol.Engine;
import io.github.udpkit.core.security.PublicIdentity;
import io.github.udpkit.core.security.SignatureRejectedException;
import io.github.udpkit.core.security.SignatureVerifier;
import io.github.udpkit.core.security.TrustStore;
import java.net.InetSocketAddress;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Everything a chat server decides, with no sockets, threads or clock: rooms, members and their
 * names, history, presence, rate limits, validation, idle timeouts. It is fed decoded frames from
 * an address and the current time, and puts the frames to send into a {@link FrameSink}; the same
 * core runs behind a real endpoint ({@link ChatServer}) and in a simulated network under virtual
 * time. Not thread-safe: one thread (or one lock) drives it.
 *
 * <p>Rules it keeps:
 * <ul>
 *   <li>A message is stamped with the sender's name from its session and the server's time; a
 *       client never supplies either.</li>
 *   <li>It keeps no state for an address until that address's JOIN is accepted. A refusal to an
 *       address that is not a member is never larger than the request it answers: the text is
 *       left out when it would not fit (clients show the reason's standard text), and nothing is
 *       sent when even the code would not. The transport's address validation (cookies) keeps a
 *       spoofed address from getting even that far; this rule keeps the chat layer from being an
 *       amplifier if it ever runs on one that does not.</li>
 *   <li>Members, rooms, members per room and history are bounded by the {@link ChatServerConfig};
 *       a room exists while it has members.</li>
 *   <li>Requests (messages, private messages, who, room switches) pass a per-member token
 *       bucket; one notice is sent per run of refused requests, not one per request.</li>
 *   <li>Members silent for the idle timeout are dropped at the next {@link #tick} and announced as
 *       gone; so are members whose transport reports them gone ({@link #onPeerGone}).</li>
 * </ul>
 *
 * <p>Time is milliseconds since the epoch, and must not go backwards: it stamps messages and runs
 * the timers. A driver derives it from a monotonic clock anchored at the wall clock.
 *
 * @since 0.1.0
 */
public final class ChatServerCore {

    private static final ChatServerListener NO_LISTENER = new ChatServerListener() { };

    private final ChatServerConfig config;
    private final ChatServerListener listener;
    private final long idleTimeoutMillis;
    private final long rateRefillMillis;
    /** Members by address. */
    private final Map<InetSocketAddress, Member> members = new HashMap<>();
    /**
     * The same members in the order they were last heard from (access order, touched once per frame
     * received): the head is the most idle, so a tick looks only at those that time out.
     */
    private final LinkedHashMap<InetSocketAddress, Member> byActivity = new LinkedHashMap<>(64, 0.75f, true);
    /** Rooms by folded name. */
    private final Map<String, Room> rooms = new HashMap<>();
    /**
     * The plain members (also in {@link #members}, never in {@link #byActivity}: their idle
     * timeout is their own), in the order they were last heard from.
     */
    private final LinkedHashMap<InetSocketAddress, Member> plainByActivity = new LinkedHashMap<>(16, 0.75f, true);
    private final long plainIdleTimeoutMillis;
    private final ChatLines lines;

    private long joins;
    private long rejections;
    private long messages;
    private long privateMessages;
    private long framesSent;
    private long rateLimited;
    private long invalidRequests;
    private long unexpectedFrames;
    private long repliesWithheld;
    private long timedOut;
    private long unreachable;
    private long plainJoins;
    private long plainIgnored;
    private long signatureRefusals;
    /**
     * Binds each name (folded) to the first key that joined with it, for as long as the server
     * runs, and keeps each key's replay window: a trust-on-first-use store of bounded size.
     */
    private final SignatureVerifier bindings;

    /**
     * Creates a core with no listener.
     *
     * @param config the rules and limits
     */
    public ChatServerCore(ChatServerConfig config) {
        this(config, NO_LISTENER);
    }

    /**
     * Creates a core.
     *
     * @param config the rules and limits
     * @param listener hears joins, leaves and refusals
     */
    public ChatServerCore(ChatServerConfig config, ChatServerListener listener) {
        this.config = Objects.requireNonNull(config, "config");
        this.listener = Objects.requireNonNull(listener, "listener");
        this.idleTimeoutMillis = config.idleTimeout().toMillis();
        this.rateRefillMillis = config.rateRefill().toMillis();
        this.plainIdleTimeoutMillis = config.plainIdleTimeout().toMillis();
        this.lines = new ChatLines(config.plainTimeZone());
        int maxBound = boundNames(config);
        this.bindings = SignatureVerifier.builder(TrustStore.trustOnFirstUse(maxBound)).maxSigners(maxBound).build();
    }

    /**
     * How many names a server binds to keys at most: four times its members, at least 1,024, at
     * most 1,000,000. Past it, a new name cannot be claimed with a key (its JOIN is refused).
     *
     * @param config the server's limits
     * @return the bound
     */
    static int boundNames(ChatServerConfig config) {
        return (int) Math.min(1_000_000, Math.max(1024, 4L * config.maxMembers()));
    }

    /**
     * Handles one datagram that is not a udpkit frame: plain text from a program such as the
     * seeds' Python chat client. Where the configuration allows plain members and the source is in
     * its {@linkplain ChatServerConfig#plainSources() plain sources}, the first datagram from an
     * address makes it a plain member of the default room, named by its address; {@code /nick NAME}
     * renames it, {@code /who} lists the room, {@code /quit} leaves, and any other line is said to
     * the room. It receives the room as lines through {@link FrameSink#sendPlain}. Datagrams from
     * elsewhere, or that are not UTF-8, are ignored and counted; nothing is ever sent to a source
     * that is not accepted, so plain text cannot make the server reflect traffic.
     *
     * @param from the sender's address
     * @param datagram the datagram's bytes
     * @param nowMillis the current time in milliseconds since the epoch
     * @param out where to put what to send
     */
    public void onPlainDatagram(InetSocketAddress from, byte[] datagram, long nowMillis, FrameSink out) {
        Objects.requireNonNull(from, "from");
        Objects.requireNonNull(datagram, "datagram");
        Objects.requireNonNull(out, "out");
        checkArgument(nowMillis >= 0, "nowMillis must not be negative: %s", nowMillis);
        if (config.maxPlainMembers() == 0 || !config.plainSources().isAllowed(from.getAddress())) {
            plainIgnored++;
            return;
        }
        Optional<String> decoded = ChatText.decodePlain(datagram);
        Member member = members.get(from);
        if (decoded.isEmpty() || member != null && !member.plain) {
            // Not text, or plain text from a framed member's address: neither is anyone's line.
            plainIgnored++;
            return;
        }
        String text = decoded.get();
        if (member == null) {
            member = joinPlain(from, nowMillis, out);
            if (member == null) {
                return;
            }
        } else {
            plainByActivity.get(from); // access order: heard from now
            member.lastHeard = nowMillis;
        }
        if (text.isEmpty()) {
            return; // an empty line keeps the member in and says nothing
        }
        if (!member.bucket.tryTake(nowMillis)) {
            rateLimited++;
            if (!member.limitNoticeSent) {
                member.limitNoticeSent = true;
                send(out, from, new ChatFrame.Notice(ChatReason.RATE_LIMITED, "rate limited: at most "
                        + config.rateBurst() + " at once, then one every " + rateRefillMillis + " ms"));
            }
            return;
        }
        member.limitNoticeSent = false;
        if (text.equals("/quit")) {
            remove(member, LeaveReason.LEFT, out);
        } else if (text.equals("/who")) {
            send(out, from, new ChatFrame.Members(member.room.name, member.room.names()));
        } else if (text.startsWith("/nick ")) {
            rename(member, text.substring("/nick ".length()).strip(), out);
        } else {
            say(member, new ChatFrame.Say(text), nowMillis, out);
        }
    }

    /** Makes an address a plain member of the default room, or refuses it (null) within the bounds. */
    private Member joinPlain(InetSocketAddress from, long nowMillis, FrameSink out) {
        String roomName = config.defaultRoom();
        String name = plainName(from);
        String fold = ChatText.fold(name);
        Room room = rooms.get(ChatText.fold(roomName));
        ChatReason refusal = plainByActivity.size() >= config.maxPlainMembers() || members.size() >= config.maxMembers()
                ? ChatReason.SERVER_FULL : admissionRefusal(room, fold, rooms.size());
        if (refusal != null) {
            // Only accepted sources get this far; the reply is one short line, and one per datagram at most.
            rejections++;
            listener.onRejected(from, refusal);
            out.sendPlain(from, "! " + refusal.standardText());
            return null;
        }
        if (room == null) {
            room = new Room(roomName, ChatText.fold(roomName));
            rooms.put(room.fold, room);
        }
        Member member = new Member(from, name, fold, room,
                new TokenBucket(config.rateBurst(), rateRefillMillis, nowMillis), nowMillis);
        member.plain = true;
        members.put(from, member);
        plainByActivity.put(from, member);
        plainJoins++;
        enter(member, room, out);
        return member;
    }

    /** A plain member's first name: its address, as {@code 192.0.2.7:5005} or {@code [2001:db8::7]:5005}. */
    static String plainName(InetSocketAddress address) {
        String host = address.getAddress().getHostAddress();
        int zone = host.indexOf('%');
        if (zone >= 0) {
            host = host.substring(0, zone);
        }
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + address.getPort();
    }

    private void rename(Member member, String newName, FrameSink out) {
        Optional<ChatFrame.Notice> bad = ChatText.checkName(newName, config.maxNameCodePoints(), config.maxNameBytes());
        if (bad.isPresent()) {
            invalidRequests++;
            send(out, member.address, bad.get());
            return;
        }
        String fold = ChatText.fold(newName);
        Room room = member.room;
        if (fold.equals(member.fold)) {
            member.name = newName;
            return;
        }
        if (room.members.containsKey(fold)) {
            refuseMember(member, ChatReason.NAME_TAKEN, refusalText(ChatReason.NAME_TAKEN, room.name, newName), out);
            return;
        }
        Optional<PublicIdentity> owner = bindings.trustStore().keyOf(fold);
        if (owner.isPresent()) {
            // A plain member has no key, so it cannot take a name a signed member holds.
            signatureRefusals++;
            refuseMember(member, ChatReason.NAME_BOUND, "the name " + newName + " belongs to key "
                    + owner.get().fingerprint(), out);
            return;
        }
        // Framed members know a room by its names: the old one leaves, the new one joins.
        room.members.remove(member.fold);
        ChatFrame left = new ChatFrame.MemberLeft(room.name, member.name, LeaveReason.LEFT);
        for (Member m : room.members.values()) {
            send(out, m.address, left);
        }
        listener.onMemberLeft(member.address, room.name, member.name, LeaveReason.LEFT);
        member.name = newName;
        member.fold = fold;
        enter(member, room, out);
    }

    /**
     * Handles one frame that arrived from an address.
     *
     * @param from the sender's address
     * @param frame the decoded frame
     * @param nowMillis the current time in milliseconds since the epoch, not negative
     * @param out where to put the frames to send
     */
    public void onFrame(InetSocketAddress from, ChatFrame frame, long nowMillis, FrameSink out) {
        Objects.requireNonNull(from, "from");
        Objects.requireNonNull(frame, "frame");
        Objects.requireNonNull(out, "out");
        checkArgument(nowMillis >= 0, "nowMillis must not be negative: %s", nowMillis);
        Member member = byActivity.get(from); // access order: this marks the member as heard from
        if (member == null) {
            onFrameFromStranger(from, frame, nowMillis, out);
            return;
        }
        member.lastHeard = nowMillis;
        if (frame instanceof ChatFrame.Ping) {
            return;
        } else if (frame instanceof ChatFrame.Leave) {
            remove(member, LeaveReason.LEFT, out);
            return;
        } else if (frame instanceof ChatFrame.Join) {
            send(out, from, new ChatFrame.Rejected(ChatReason.ALREADY_JOINED,
                    "already joined room " + member.room.name + " as " + member.name + "; switch rooms instead"));
            rejections++;
            return;
        } else if (!isRequest(frame)) {
            unexpectedFrames++;
            return;
        }
        if (!member.bucket.tryTake(nowMillis)) {
            rateLimited++;
            if (!member.limitNoticeSent) {
                member.limitNoticeSent = true;
                send(out, from, new ChatFrame.Notice(ChatReason.RATE_LIMITED, "rate limited: at most "
                        + config.rateBurst() + " at once, then one every " + rateRefillMillis
                        + " ms; dropped until then"));
            }
            return;
        }
        member.limitNoticeSent = false;
        if (frame instanceof ChatFrame.Say say) {
            say(member, say, nowMillis, out);
        } else if (frame instanceof ChatFrame.Private p) {
            whisper(member, p, nowMillis, out);
        } else if (frame instanceof ChatFrame.Who) {
            send(out, from, new ChatFrame.Members(member.room.name, member.room.names()));
        } else if (frame instanceof ChatFrame.SwitchRoom s) {
            switchRoom(member, s.room(), out);
        }
    }

    /**
     * The transport moved a peer's session to a new address (NAT rebinding, a new network): a
     * member there stays the member it was, with its name, room and history.
     *
     * @param from the address the member had
     * @param to the address it has now
     */
    public void onPeerMoved(InetSocketAddress from, InetSocketAddress to) {
        Member member = members.remove(from);
        if (member == null) {
            return;
        }
        byActivity.remove(from);
        // A member the transport had at the new address was reported gone (onPeerGone) before
        // the move, so nobody is overwritten here.
        member.address = to;
        members.put(to, member);
        byActivity.put(to, member);
    }

    /**
     * Drops a member whose transport reports it gone (timed out, closed, unreachable), announcing it
     * to its room. Does nothing for an address that is not a member.
     *
     * @param peer the address
     * @param reason why it is gone
     * @param out where to put the frames to send
     */
    public void onPeerGone(InetSocketAddress peer, LeaveReason reason, FrameSink out) {
        Objects.requireNonNull(peer, "peer");
        Objects.requireNonNull(reason, "reason");
        Objects.requireNonNull(out, "out");
        Member member = members.get(peer);
        if (member != null) {
            if (reason == LeaveReason.UNREACHABLE) {
                unreachable++;
            } else if (reason == LeaveReason.TIMED_OUT) {
                timedOut++;
            }
            remove(member, reason, out);
        }
    }

    /**
     * Drops the members that have been silent for the idle timeout; call it at {@link #nextDeadline()}
     * or more often.
     *
     * @param nowMillis the current time
     * @param out where to put the frames to send
     */
    public void tick(long nowMillis, FrameSink out) {
        Objects.requireNonNull(out, "out");
        List<Member> idle = new ArrayList<>();
        for (Member m : byActivity.values()) {
            if (nowMillis - m.lastHeard < idleTimeoutMillis) {
                break; // access order: everyone after the first live member was heard from later
            }
            idle.add(m);
        }
        for (Member m : plainByActivity.values()) {
            if (nowMillis - m.lastHeard < plainIdleTimeoutMillis) {
                break;
            }
            idle.add(m);
        }
        ChatFrame bye = new ChatFrame.Bye(LeaveReason.TIMED_OUT);
        for (Member m : idle) {
            timedOut++;
            if (m.plain) {
                send(out, m.address, bye); // while it is a member, so it goes as a line
                remove(m, LeaveReason.TIMED_OUT, out);
            } else {
                remove(m, LeaveReason.TIMED_OUT, out);
                send(out, m.address, bye);
            }
        }
    }

    /**
     * When {@link #tick} next has something to do.
     *
     * @return the time the most idle member times out, or {@link Engine#NO_DEADLINE} without members
     */
    public long nextDeadline() {
        Iterator<Member> it = byActivity.values().iterator();
        long framed = it.hasNext() ? it.next().lastHeard + idleTimeoutMillis : Engine.NO_DEADLINE;
        Iterator<Member> plain = plainByActivity.values().iterator();
        return Math.min(framed, plain.hasNext() ? plain.next().lastHeard + plainIdleTimeoutMillis : Engine.NO_DEADLINE);
    }

    /**
     * Says goodbye to every member and forgets them all, for a server shutting down.
     *
     * @param out where to put the frames to send
     */
    public void close(FrameSink out) {
        Objects.requireNonNull(out, "out");
        ChatFrame bye = new ChatFrame.Bye(LeaveReason.SERVER_CLOSED);
        for (Member m : members.values()) {
            send(out, m.address, bye);
            listener.onMemberLeft(m.address, m.room.name, m.name, LeaveReason.SERVER_CLOSED);
        }
        members.clear();
        byActivity.clear();
        plainByActivity.clear();
        rooms.clear();
    }

    /**
     * Whether an address is a member.
     *
     * @param address the address
     * @return true if it has joined and not left
     */
    public boolean isMember(InetSocketAddress address) {
        return members.containsKey(address);
    }

    /**
     * Whether an address is a plain member, one that speaks plain text.
     *
     * @param address the address
     * @return true if it is a member that joined with plain text
     */
    public boolean isPlainMember(InetSocketAddress address) {
        Member m = members.get(address);
        return m != null && m.plain;
    }

    /**
     * The name of the member at an address.
     *
     * @param address the address
     * @return its name, or empty if it is not a member
     */
    public Optional<String> nameOf(InetSocketAddress address) {
        Member m = members.get(address);
        return m == null ? Optional.empty() : Optional.of(m.name);
    }

    /**
     * The room of the member at an address.
     *
     * @param address the address
     * @return its room's name, or empty if it is not a member
     */
    public Optional<String> roomOf(InetSocketAddress address) {
        Member m = members.get(address);
        return m == null ? Optional.empty() : Optional.of(m.room.name);
    }

    /**
     * The members of a room.
     *
     * @param room the room's name, compared as names are
     * @return their names in join order; empty if the room does not exist
     */
    public List<String> membersOf(String room) {
        Room r = rooms.get(ChatText.fold(Objects.requireNonNull(room, "room")));
        return r == null ? List.of() : r.names();
    }

    /**
     * The rooms that exist now.
     *
     * @return their names, the default room first when it exists
     */
    public List<String> roomNames() {
        List<String> names = new ArrayList<>(rooms.size());
        Room lobby = rooms.get(ChatText.fold(config.defaultRoom()));
        if (lobby != null) {
            names.add(lobby.name);
        }
        for (Room r : rooms.values()) {
            if (r != lobby) {
                names.add(r.name);
            }
        }
        return names;
    }

    /**
     * The configuration.
     *
     * @return the rules and limits
     */
    public ChatServerConfig config() {
        return config;
    }

    /**
     * A snapshot of the counters.
     *
     * @return the stats
     */
    public ChatServerStats stats() {
        return new ChatServerStats(members.size(), rooms.size(), joins, rejections, messages, privateMessages,
                framesSent, rateLimited, invalidRequests, unexpectedFrames, repliesWithheld, timedOut, unreachable,
                plainByActivity.size(), plainJoins, plainIgnored,
                signatureRefusals);
    }

    // ---------------------------------------------------------------- strangers

    private void onFrameFromStranger(InetSocketAddress from, ChatFrame frame, long nowMillis, FrameSink out) {
        if (members.containsKey(from)) {
            unexpectedFrames++; // frames from a plain member's address: it is one or the other
            return;
        }
        if (frame instanceof ChatFrame.Join join) {
            join(from, join, nowMillis, out);
        } else if (isRequest(frame)) {
            // Most likely a member dropped for silence: tell it, if that costs no more than it sent.
            unexpectedFrames++;
            replyToStranger(from, frame, new ChatFrame.Notice(ChatReason.NOT_JOINED,
                    "not joined (or dropped after " + idleTimeoutMillis + " ms of silence): join again"), out);
        } else {
            unexpectedFrames++; // a ping or leave from a stranger, or a server frame: nothing to say
        }
    }

    private void join(InetSocketAddress from, ChatFrame.Join join, long nowMillis, FrameSink out) {
        Optional<ChatFrame.Notice> bad = ChatText.checkName(join.name(), config.maxNameCodePoints(),
                config.maxNameBytes());
        if (bad.isPresent()) {
            invalidRequests++;
            refuseStranger(from, join, bad.get().reason(), bad.get().text(), out);
            return;
        }
        String roomName = join.room().isEmpty() ? config.defaultRoom() : join.room();
        bad = ChatText.checkRoom(roomName, config.maxNameCodePoints(), config.maxNameBytes());
        if (bad.isPresent()) {
            invalidRequests++;
            refuseStranger(from, join, bad.get().reason(), bad.get().text(), out);
            return;
        }
        if (members.size() >= config.maxMembers()) {
            refuseStranger(from, join, ChatReason.SERVER_FULL,
                    "the server is full: " + config.maxMembers() + " members", out);
            return;
        }
        String roomFold = ChatText.fold(roomName);
        Room room = rooms.get(roomFold);
        ChatReason refusal = admissionRefusal(room, ChatText.fold(join.name()), rooms.size());
        if (refusal != null) {
            refuseStranger(from, join, refusal, refusalText(refusal, roomName, join.name()), out);
            return;
        }
        Admission admission = bindKey(from, join, out);
        if (!admission.admitted()) {
            return;
        }
        if (room == null) {
            room = new Room(roomName, roomFold);
            rooms.put(roomFold, room);
        }
        Member member = new Member(from, join.name(), ChatText.fold(join.name()), room,
                new TokenBucket(config.rateBurst(), rateRefillMillis, nowMillis), nowMillis);
        member.key = admission.key();
        members.put(from, member);
        byActivity.put(from, member);
        enter(member, room, out);
    }

    /**
     * Checks a JOIN against the names bound to keys: a signed JOIN must verify and claim a name that
     * is free or already its key's (which binds it, if free); an unsigned one must claim a name no
     * key holds. Refuses the stranger otherwise.
     *
     * @return whether the JOIN may go on, with the joiner's key ({@code null} when unsigned)
     */
    private Admission bindKey(InetSocketAddress from, ChatFrame.Join join, FrameSink out) {
        String fold = ChatText.fold(join.name());
        ChatSignature signature = join.signature();
        if (signature == null) {
            Optional<PublicIdentity> owner = bindings.trustStore().keyOf(fold);
            if (owner.isPresent()) {
                signatureRefusals++;
                refuseStranger(from, join, ChatReason.NAME_BOUND, "the name " + join.name() + " belongs to key "
                        + owner.get().fingerprint() + ": join with that identity", out);
                return Admission.REFUSED;
            }
            return Admission.UNSIGNED;
        }
        try {
            bindings.verify(ChatText.fold(join.room()), signature.message(join.name(), ChatSignature.joinPayload()),
                    fold);
            return new Admission(true, signature.key());
        } catch (SignatureRejectedException e) {
            signatureRefusals++;
            if (e.reason() == SignatureRejectedException.Reason.CHANGED_KEY) {
                refuseStranger(from, join, ChatReason.NAME_BOUND, "the name " + join.name() + " belongs to key "
                        + bindings.trustStore().keyOf(fold).map(PublicIdentity::fingerprint).orElse("?")
                        + ", not " + signature.key().fingerprint(), out);
            } else {
                refuseStranger(from, join, ChatReason.SIGNATURE_REFUSED, "JOIN signature refused: " + e.getMessage(),
                        out);
            }
            return Admission.REFUSED;
        } catch (IllegalArgumentException e) {
            // A name or room the signed-message format cannot carry: such a JOIN cannot be signed.
            signatureRefusals++;
            refuseStranger(from, join, ChatReason.SIGNATURE_REFUSED, "JOIN cannot be signed: " + e.getMessage(), out);
            return Admission.REFUSED;
        }
    }

    /**
     * Checks the signature of a member's message or private message: a member with a key must sign
     * with it, one without must not sign. Tells the member when it is refused.
     *
     * @return whether the message may be relayed
     */
    private boolean signatureAccepted(Member member, ChatSignature signature, byte[] payload, FrameSink out) {
        String problem;
        if (member.key == null) {
            if (signature == null) {
                return true;
            }
            problem = "you joined without an identity: messages cannot be signed";
        } else if (signature == null) {
            problem = "you joined with key " + member.key.fingerprint() + ": every message must be signed with it";
        } else if (!signature.key().equals(member.key)) {
            problem = "signed with key " + signature.key().fingerprint() + ", but you joined with "
                    + member.key.fingerprint();
        } else {
            try {
                bindings.verify(member.room.fold, signature.message(member.name, payload), member.fold);
                return true;
            } catch (SignatureRejectedException e) {
                problem = e.getMessage();
            } catch (IllegalArgumentException e) {
                problem = "cannot be verified: " + e.getMessage();
            }
        }
        signatureRefusals++;
        send(out, member.address, new ChatFrame.Notice(ChatReason.SIGNATURE_REFUSED, "message refused: " + problem));
        return false;
    }

    /** Refuses a stranger with a reply no larger than its request; see the class comment. */
    private void refuseStranger(InetSocketAddress from, ChatFrame.Join request, ChatReason reason, String text,
                                FrameSink out) {
        rejections++;
        listener.onRejected(from, reason);
        replyToStranger(from, request, new ChatFrame.Rejected(reason, text), out);
    }

    private void replyToStranger(InetSocketAddress to, ChatFrame request, ChatFrame reply, FrameSink out) {
        int budget = ChatCodec.encodedSize(request);
        if (ChatCodec.encodedSize(reply) <= budget) {
            send(out, to, reply);
            return;
        }
        ChatFrame codeOnly = reply instanceof ChatFrame.Rejected r ? new ChatFrame.Rejected(r.reason(), "")
                : new ChatFrame.Notice(((ChatFrame.Notice) reply).reason(), "");
        if (ChatCodec.encodedSize(codeOnly) <= budget) {
            send(out, to, codeOnly);
        } else {
            repliesWithheld++;
        }
    }

    // ---------------------------------------------------------------- members

    private void say(Member member, ChatFrame.Say say, long nowMillis, FrameSink out) {
        String text = say.text();
        Optional<ChatFrame.Notice> bad = ChatText.checkText(text, config.maxTextCodePoints(), config.maxTextBytes());
        if (bad.isPresent()) {
            invalidRequests++;
            send(out, member.address, bad.get());
            return;
        }
        if (!signatureAccepted(member, say.signature(), say.signature() == null ? null : ChatSignature.sayPayload(text),
                out)) {
            return;
        }
        messages++;
        Room room = member.room;
        room.remember(new ChatFrame.HistoryEntry(member.name, nowMillis, text, say.signature()), config.historySize());
        ChatFrame message = new ChatFrame.Message(room.name, member.name, nowMillis, text, false, say.signature());
        for (Member m : room.members.values()) {
            if (m != member) {
                send(out, m.address, message);
            }
        }
    }

    private void whisper(Member member, ChatFrame.Private p, long nowMillis, FrameSink out) {
        Optional<ChatFrame.Notice> bad = ChatText.checkText(p.text(), config.maxTextCodePoints(), config.maxTextBytes());
        if (bad.isPresent()) {
            invalidRequests++;
            send(out, member.address, bad.get());
            return;
        }
        Member to = member.room.members.get(ChatText.fold(p.to()));
        if (to == null) {
            boolean printable = ChatText.checkName(p.to(), config.maxNameCodePoints(), config.maxNameBytes()).isEmpty();
            send(out, member.address, new ChatFrame.Notice(ChatReason.NO_SUCH_MEMBER,
                    printable ? "no member of room " + member.room.name + " is called " + p.to()
                            : "no member of room " + member.room.name + " has that name"));
            return;
        }
        if (!signatureAccepted(member, p.signature(),
                p.signature() == null ? null : ChatSignature.privatePayload(p.to(), p.text()), out)) {
            return;
        }
        privateMessages++;
        send(out, to.address, new ChatFrame.Message(member.room.name, member.name, nowMillis, p.text(), true,
                p.signature()));
    }

    private void switchRoom(Member member, String roomName, FrameSink out) {
        Optional<ChatFrame.Notice> bad = ChatText.checkRoom(roomName, config.maxNameCodePoints(), config.maxNameBytes());
        if (bad.isPresent()) {
            invalidRequests++;
            refuseMember(member, ChatReason.ROOM_INVALID, bad.get().text(), out);
            return;
        }
        String fold = ChatText.fold(roomName);
        if (fold.equals(member.room.fold)) {
            refuseMember(member, ChatReason.ALREADY_IN_ROOM, "already in room " + member.room.name, out);
            return;
        }
        Room target = rooms.get(fold);
        // Leaving may empty (and so free) the member's current room.
        int roomsAfterLeaving = rooms.size() - (member.room.members.size() == 1 ? 1 : 0);
        ChatReason refusal = admissionRefusal(target, member.fold, roomsAfterLeaving);
        if (refusal != null) {
            refuseMember(member, refusal, refusalText(refusal, roomName, member.name), out);
            return;
        }
        leaveRoom(member, LeaveReason.SWITCHED_ROOM, out);
        if (target == null) {
            target = new Room(roomName, fold);
            rooms.put(fold, target);
        }
        enter(member, target, out);
    }

    private void refuseMember(Member member, ChatReason reason, String text, FrameSink out) {
        rejections++;
        listener.onRejected(member.address, reason);
        send(out, member.address, new ChatFrame.Rejected(reason, text));
    }

    /** Why a member with this folded name may not enter a room (null if it may); checks the bounds. */
    private ChatReason admissionRefusal(Room room, String nameFold, int roomCount) {
        if (room == null) {
            return roomCount >= config.maxRooms() ? ChatReason.TOO_MANY_ROOMS : null;
        }
        if (room.members.size() >= config.maxMembersPerRoom()) {
            return ChatReason.ROOM_FULL;
        }
        return room.members.containsKey(nameFold) ? ChatReason.NAME_TAKEN : null;
    }

    private String refusalText(ChatReason reason, String room, String name) {
        return switch (reason) {
            case TOO_MANY_ROOMS -> "cannot open room " + room + ": the server has " + config.maxRooms() + " rooms";
            case ROOM_FULL -> "room " + room + " is full: " + config.maxMembersPerRoom() + " members";
            case NAME_TAKEN -> "the name " + name + " is taken in room " + room;
            default -> reason.standardText();
        };
    }

    private void enter(Member member, Room room, FrameSink out) {
        joins++;
        member.room = room;
        ChatFrame joinedOthers = new ChatFrame.MemberJoined(room.name, member.name);
        for (Member m : room.members.values()) {
            send(out, m.address, joinedOthers);
        }
        room.members.put(member.fold, member);
        send(out, member.address, new ChatFrame.Joined(room.name, member.name, idleTimeoutMillis, config.rateBurst(),
                rateRefillMillis, room.names(), List.copyOf(room.history)));
        listener.onMemberJoined(member.address, room.name, member.name);
    }

    private void remove(Member member, LeaveReason reason, FrameSink out) {
        members.remove(member.address);
        byActivity.remove(member.address);
        plainByActivity.remove(member.address);
        leaveRoom(member, reason, out);
    }

    private void leaveRoom(Member member, LeaveReason reason, FrameSink out) {
        Room room = member.room;
        room.members.remove(member.fold);
        if (room.members.isEmpty()) {
            rooms.remove(room.fold);
        } else {
            ChatFrame left = new ChatFrame.MemberLeft(room.name, member.name, reason);
            for (Member m : room.members.values()) {
                send(out, m.address, left);
            }
        }
        listener.onMemberLeft(member.address, room.name, member.name, reason);
    }

    private void send(FrameSink out, InetSocketAddress to, ChatFrame frame) {
        Member member = members.get(to);
        if (member != null && member.plain) {
            Optional<String> line = lines.plain(frame);
            if (line.isPresent()) {
                framesSent++;
                out.sendPlain(to, line.get());
            }
            return;
        }
        framesSent++;
        out.send(to, frame);
    }

    private static boolean isRequest(ChatFrame frame) {
        return frame instanceof ChatFrame.Say || frame instanceof ChatFrame.Private || frame instanceof ChatFrame.Who
                || frame instanceof ChatFrame.SwitchRoom;
    }

    /** Whether a JOIN passed the name bindings, and with which key. */
    private record Admission(boolean admitted, PublicIdentity key) {
        static final Admission REFUSED = new Admission(false, null);
        static final Admission UNSIGNED = new Admission(true, null);
    }

    private static final class Member {
        /** Where the member is; it moves when the transport's session moves (see {@link #onPeerMoved}). */
        InetSocketAddress address;
        /** Changes only for a plain member's {@code /nick}. */
        String name;
        String fold;
        final TokenBucket bucket;
        Room room;
        long lastHeard;
        boolean limitNoticeSent;
        /** A member that speaks plain text, not frames. */
        boolean plain;
        /** The key the member joined with, or {@code null}: then it signs nothing. */
        PublicIdentity key;

        Member(InetSocketAddress address, String name, String fold, Room room, TokenBucket bucket, long now) {
            this.address = address;
            this.name = name;
            this.fold = fold;
            this.room = room;
            this.bucket = bucket;
            this.lastHeard = now;
        }
    }

    private static final class Room {
        final String name;
        final String fold;
        final LinkedHashMap<String, Member> members = new LinkedHashMap<>();
        final ArrayDeque<ChatFrame.HistoryEntry> history = new ArrayDeque<>();

        Room(String name, String fold) {
            this.name = name;
            this.fold = fold;
        }

        List<String> names() {
            List<String> names = new ArrayList<>(members.size());
            for (Member m : members.values()) {
                names.add(m.name);
            }
            return names;
        }

        void remember(ChatFrame.HistoryEntry entry, int limit) {
            if (limit == 0) {
                return;
            }
            if (history.size() == limit) {
                history.removeFirst();
            }
            history.addLast(entry);
        }
    }
}
