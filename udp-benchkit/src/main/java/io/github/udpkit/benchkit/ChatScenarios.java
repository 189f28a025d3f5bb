package io.github.udpkit.benchkit;

import static com.google.common.base.Preconditions.checkArgument;

import io.github.udpkit.chat.ChatClient;
import io.github.udpkit.chat.ChatListener;
import io.github.udpkit.chat.ChatMessage;
import io.github.udpkit.chat.ChatNotice;
import io.github.udpkit.chat.ChatServer;
import io.github.udpkit.chat.ChatServerConfig;
import io.github.udpkit.chat.LeaveReason;
import io.github.udpkit.core.security.Identity;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

/**
 * Chat fan-out: one {@link ChatServer} on 127.0.0.1 and a room of members, each a {@link ChatClient}
 * with its own endpoint, socket and I/O thread, plus one more member who speaks. The speaker says
 * one-line texts, as fast as the members take them, and the server relays each to every member
 * through its per-member reliable windows. The rate is member deliveries per second: a message
 * counts once for every member that received it, which is the datagram work a raw sender's rate
 * is compared with.
 *
 * <p>A chat text is text, so the stamp travels as hex digits: the round in the first 8 characters
 * and the sequence number in the next 16, padded with dots to the row's payload size. Each member
 * counts on its own I/O thread; the server delivers in order, so a member needs no seen-set: the
 * next sequence number expected is its count of the round, and a number below it counts as a
 * duplicate (disorder can only show as loss, never hide it).
 *
 * <p>The speaker keeps at most {@link #WINDOW} messages said but not yet received by every member:
 * the chat server's sends never wait (a member whose window is full is dropped), so a speaker
 * faster than the slowest member would lose members rather than measure them. Members are joined
 * in batches, all within {@link #JOIN_TIMEOUT}; if anything fails, everything opened so far is
 * closed. Opening takes seconds at 1,000 members: each join is announced to every member already
 * in the room, about half a million frames in all, which the chat offers no way to skip.
 */
final class ChatScenarios {

    /** The subject's key: the start of the row's id. */
    static final String KEY = "udpkit-chat-fanout";
    /** The signed row's key. */
    static final String SIGNED_KEY = "udpkit-chat-fanout-signed";
    /**
     * The signed row's window: every member checks every signature, so a message costs the room
     * a thousand verifications (about half a second of both cores here with the JDK's Ed25519),
     * and a larger window would not drain within the harness's 3 s, showing late messages as loss.
     */
    static final int SIGNED_WINDOW = 2;
    /** The members of the standard row's room, issue 4's figure. */
    static final int STANDARD_MEMBERS = 1_000;
    /** The most messages said that some member has not received yet. */
    static final int WINDOW = 128;
    /** The characters the stamp takes at the start of each text: 8 hex digits of round, 16 of sequence. */
    static final int STAMP_CHARS = 24;
    /** The longest text the server's default limits take, so a row may not ask for more. */
    static final int MAX_PAYLOAD = 500;
    /** How many members join at once; each batch's joins are awaited before the next starts. */
    static final int JOIN_BATCH = 50;
    /** How long all the members and the speaker may take to join, together. */
    static final Duration JOIN_TIMEOUT = Duration.ofSeconds(60);
    /** How long the speaker waits for the slowest member to take anything before it fails the round. */
    static final long STALL_NANOS = TimeUnit.SECONDS.toNanos(5);
    /** How long closing waits for every client to close. */
    static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(30);
    /** How long a closing member waits for the server to acknowledge its leave, if the server has not said goodbye. */
    private static final Duration MEMBER_CLOSE_TIMEOUT = Duration.ofMillis(100);
    /** Threads that close members side by side: a member that waits for its leave then holds up only one. */
    private static final int CLOSE_THREADS = 8;
    /** How long the speaker sleeps when its window is full, between looks at the slowest member. */
    private static final long WINDOW_PARK_NANOS = TimeUnit.MICROSECONDS.toNanos(100);
    private static final char PAD = '.';

    private ChatScenarios() {
    }

    /**
     * The fan-out row.
     *
     * @param members how many members receive each message, positive
     * @param payloadBytes the length of each text, {@link #STAMP_CHARS} to {@link #MAX_PAYLOAD}
     * @return the scenario
     */
    static Scenario fanOut(int members, int payloadBytes) {
        return fanOut(members, payloadBytes, false);
    }

    /**
     * The signed fan-out row, beside the unsigned one: every member, and the speaker, has an
     * Ed25519 identity; the speaker signs each message, the server checks it, and every member
     * checks it again before counting it. Its ratio to the unsigned row is what signatures cost.
     *
     * @param members how many members receive each message, positive
     * @param payloadBytes the length of each text
     * @return the scenario
     */
    static Scenario signedFanOut(int members, int payloadBytes) {
        return fanOut(members, payloadBytes, true);
    }

    private static Scenario fanOut(int members, int payloadBytes, boolean signed) {
        checkArgument(payloadBytes >= STAMP_CHARS && payloadBytes <= MAX_PAYLOAD,
                "chat fan-out payloadBytes must be in %s..%s: %s", STAMP_CHARS, MAX_PAYLOAD, payloadBytes);
        ChatServerConfig config = serverConfig(members);
        // The server and the clients run on ChatServer's and ChatClient's default transports (only
        // the server's socket buffers are set), so every I/O thread polls adaptively before it sleeps.
        Scenario row = Scenario.fanOut(signed ? SIGNED_KEY : KEY, "udpkit chat, fan-out to " + members
                                + (signed ? ", signed" : ""), Scenario.Wait.ADAPTIVE, payloadBytes,
                        members, () -> open(config, members, payloadBytes, signed))
                .asLossless()
                .withMaxDatagramBytes(ChatServer.engineConfig(config).maxDatagramSize());
        // The signed row's 'vs reference' is its ratio to the unsigned row of the same run.
        return signed ? row.withReference(KEY) : row;
    }

    /**
     * Opens a server with the given rules, joins the members and the speaker to its default room,
     * and returns the stream; closes whatever it opened if any of it fails.
     *
     * @param config the server's rules
     * @param members how many members receive each message
     * @param payloadBytes the length of each text
     * @return the open stream
     * @throws Exception if the server cannot open or a member cannot join in time
     */
    static FanOut open(ChatServerConfig config, int members, int payloadBytes) throws Exception {
        return open(config, members, payloadBytes, false);
    }

    /**
     * Opens the room, its members and speaker signing with identities of their own when asked.
     *
     * @param config the server's rules
     * @param members how many members receive each message
     * @param payloadBytes the length of each text
     * @param signed whether every client has an identity and signs
     * @return the open stream
     * @throws Exception if the server cannot open or a member cannot join in time
     */
    static FanOut open(ChatServerConfig config, int members, int payloadBytes, boolean signed) throws Exception {
        return new Room(config, members, payloadBytes, signed);
    }

    /**
     * The server's rules for the benchmark: a room that holds every member and the speaker, no
     * history to hand joiners, and the widest per-member rate limit the configuration allows (a
     * burst of 65,535 messages, then one a millisecond), so that the speaker's rate is the
     * server's to set, not the limit's. Everything else is the default.
     *
     * @param members the members besides the speaker, positive
     * @return the configuration
     */
    static ChatServerConfig serverConfig(int members) {
        checkArgument(members > 0 && members < ChatServerConfig.defaults().maxMembers(),
                "members must be in 1..%s: %s", ChatServerConfig.defaults().maxMembers() - 1, members);
        return ChatServerConfig.builder()
                .maxMembersPerRoom(members + 1)
                .historySize(0)
                .rateLimit(0xFFFF, Duration.ofMillis(1))
                .build();
    }

    /**
     * The text of one message: the stamp in hex, padded to the payload size.
     *
     * @param round the round
     * @param sequence the sequence number
     * @param length the text's length, at least {@link #STAMP_CHARS}
     * @return the text
     */
    static String text(int round, long sequence, int length) {
        char[] text = new char[length];
        for (int i = 7; i >= 0; i--) {
            text[i] = Character.forDigit((round >>> (4 * (7 - i))) & 0xF, 16);
        }
        for (int i = 15; i >= 0; i--) {
            text[8 + i] = Character.forDigit((int) (sequence >>> (4 * (15 - i))) & 0xF, 16);
        }
        Arrays.fill(text, STAMP_CHARS, length, PAD);
        return new String(text);
    }

    // ---------------------------------------------------------------- members

    /**
     * One member's count of what it received, kept by its client's I/O thread in a
     * {@link RoundTally}, as {@link SequenceCounter} keeps its own.
     */
    static final class Member implements ChatListener {
        private final int payloadBytes;
        private final RoundTally tally = new RoundTally();
        /** The sequence number expected next in this round: how many arrived in order. Published with the tally. */
        private long next;
        private volatile LeaveReason gone;

        Member(int payloadBytes) {
            this.payloadBytes = payloadBytes;
        }

        @Override
        public void onMessage(ChatMessage message) {
            long now = System.nanoTime();
            String text = message.text();
            int r;
            long sequence;
            try {
                if (text.length() != payloadBytes) {
                    throw new NumberFormatException("length " + text.length());
                }
                r = Integer.parseUnsignedInt(text, 0, 8, 16);
                sequence = Long.parseUnsignedLong(text, 8, STAMP_CHARS, 16);
            } catch (NumberFormatException e) {
                tally.malformed();
                tally.publish();
                return;
            }
            if (tally.isNewRound(r)) {
                next = 0; // a later round starts from sequence 0
            }
            if (!tally.enter(r)) {
                return;
            }
            if (sequence < next) {
                tally.duplicate(); // the server delivers in order: below the next expected is a repeat
            } else {
                // Above the next expected is a gap: what it skipped arrives late (as a duplicate) or never.
                tally.distinct(now, sequence > next);
                next = sequence + 1;
            }
            tally.publish();
        }

        @Override
        public void onDisconnected(LeaveReason reason) {
            gone = reason;
        }

        /** How many messages of the round arrived in order so far: the speaker's window is measured by it. */
        long received(int wanted) {
            return tally.isOf(wanted) ? next : 0;
        }

        long counted() {
            return tally.counted();
        }

        SequenceCounter.Snapshot snapshot(int wanted) {
            return tally.snapshot(wanted);
        }

        LeaveReason gone() {
            return gone;
        }
    }

    /** Every member's count together: one delivery per message and member. */
    static final class RoomDeliveries implements Deliveries {
        private final List<Member> members;

        RoomDeliveries(List<Member> members) {
            this.members = List.copyOf(members);
        }

        @Override
        public long counted() {
            long sum = 0;
            for (Member m : members) {
                sum += m.counted();
            }
            return sum;
        }

        @Override
        public SequenceCounter.Snapshot snapshot(int round) {
            long unique = 0;
            long duplicates = 0;
            long reordered = 0;
            long stale = 0;
            long malformed = 0;
            long first = 0;
            long last = 0;
            boolean any = false;
            for (Member m : members) {
                SequenceCounter.Snapshot s = m.snapshot(round);
                unique += s.unique();
                duplicates += s.duplicates();
                reordered += s.reordered();
                stale += s.stale();
                malformed += s.malformed();
                if (s.unique() > 0) {
                    first = any && first - s.firstNanos() < 0 ? first : s.firstNanos();
                    last = any && last - s.lastNanos() > 0 ? last : s.lastNanos();
                    any = true;
                }
            }
            return new SequenceCounter.Snapshot(unique, duplicates, reordered, stale, malformed, first, last);
        }

        /** The fewest messages of the round any member has received in order. */
        long slowest(int round) {
            long min = Long.MAX_VALUE;
            for (Member m : members) {
                min = Math.min(min, m.received(round));
            }
            return members.isEmpty() ? 0 : min;
        }
    }

    /** What the speaker hears: only refusals and the loss of the server matter. */
    private static final class Speaker implements ChatListener {
        private final AtomicReference<String> trouble = new AtomicReference<>();

        @Override
        public void onNotice(ChatNotice notice) {
            trouble.compareAndSet(null, "the server refused a message: " + notice.text());
        }

        @Override
        public void onDisconnected(LeaveReason reason) {
            trouble.compareAndSet(null, "the speaker lost the server: " + reason);
        }
    }

    // ---------------------------------------------------------------- the room

    /** The server, its members and the speaker, open and joined. */
    private static final class Room implements FanOut {
        private final int payloadBytes;
        private final ChatServer server;
        private final List<ChatClient> clients = new ArrayList<>();
        private final List<Member> members = new ArrayList<>();
        private final Speaker speakerEvents = new Speaker();
        private final RoomDeliveries deliveries;
        private final ChatClient speaker;
        private final AtomicBoolean closed = new AtomicBoolean();
        private final boolean signed;
        private final int window;

        Room(ChatServerConfig config, int memberCount, int payloadBytes, boolean signed) throws Exception {
            this.payloadBytes = payloadBytes;
            this.signed = signed;
            this.window = signed ? SIGNED_WINDOW : WINDOW;
            this.server = ChatServer.builder().bind(Loopback.anyPort()).config(config)
                    .transport(eb -> eb.receiveBufferSize(Loopback.SOCKET_BUFFER_BYTES)
                            .sendBufferSize(Loopback.SOCKET_BUFFER_BYTES))
                    .open();
            long deadline = System.nanoTime() + JOIN_TIMEOUT.toNanos();
            try {
                for (int first = 0; first < memberCount; first += JOIN_BATCH) {
                    List<ChatClient> batch = new ArrayList<>();
                    for (int i = first; i < Math.min(memberCount, first + JOIN_BATCH); i++) {
                        Member member = new Member(payloadBytes);
                        batch.add(join("m" + i, member));
                        members.add(member);
                    }
                    awaitJoined(batch, deadline);
                }
                this.speaker = join("speaker", speakerEvents);
                awaitJoined(List.of(speaker), deadline);
            } catch (Exception | Error e) {
                try {
                    closeAll();
                } catch (IOException | RuntimeException suppressed) {
                    e.addSuppressed(suppressed);
                }
                throw e;
            }
            this.deliveries = new RoomDeliveries(members);
        }

        /** Connects a client and keeps it, so that a failure later closes it too. */
        private ChatClient join(String name, ChatListener listener) {
            ChatClient.Builder b = ChatClient.builder().server(server.localAddress())
                    .bind(Loopback.address().getHostAddress(), 0).name(name).listener(listener)
                    .closeTimeout(MEMBER_CLOSE_TIMEOUT);
            if (signed) {
                b.identity(Identity.generate());
            }
            ChatClient client = b.connect();
            synchronized (clients) {
                clients.add(client);
            }
            return client;
        }

        /** Waits for a batch's joins, until the deadline of the whole opening at most. */
        private static void awaitJoined(List<ChatClient> batch, long deadline) throws Exception {
            for (ChatClient c : batch) {
                try {
                    c.joined().get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                } catch (TimeoutException e) {
                    throw new IllegalStateException(c.name() + " had not joined when the " + JOIN_TIMEOUT.toSeconds()
                            + " s allowed for opening the room ran out", e);
                } catch (ExecutionException e) {
                    throw new IllegalStateException(c.name() + " could not join: " + e.getCause().getMessage(),
                            e.getCause());
                }
            }
        }

        @Override
        public Deliveries deliveries() {
            return deliveries;
        }

        @Override
        public long sendUntil(int round, long deadlineNanos, long maxMessages) {
            long sent = 0;
            long slowest = 0;
            long progressAt = System.nanoTime();
            while (sent < maxMessages) {
                if (sent - slowest >= window) {
                    // Wait until the slowest member has taken half the window, so the server gets
                    // the next messages in a burst it can pack several to a datagram.
                    long now = System.nanoTime();
                    long s = deliveries.slowest(round);
                    if (s > slowest) {
                        progressAt = now;
                        slowest = s;
                    }
                    if (sent - slowest > window / 2) {
                        checkHealthy();
                        if (now - deadlineNanos >= 0) {
                            break; // the round is over; the drain waits for what is under way
                        }
                        if (now - progressAt > STALL_NANOS) {
                            throw new IllegalStateException("the slowest member took nothing for "
                                    + TimeUnit.NANOSECONDS.toSeconds(STALL_NANOS) + " s: it has " + slowest + " of "
                                    + sent + " messages of round " + round);
                        }
                        LockSupport.parkNanos(WINDOW_PARK_NANOS);
                        continue;
                    }
                }
                speaker.say(text(round, sent, payloadBytes));
                sent++;
                if ((sent & 15) == 0 && System.nanoTime() - deadlineNanos >= 0) {
                    break;
                }
            }
            checkHealthy();
            return sent;
        }

        /** Fails the round if the server refused the speaker or dropped a member: the figures would be wrong. */
        private void checkHealthy() {
            String trouble = speakerEvents.trouble.get();
            if (trouble != null) {
                throw new IllegalStateException(trouble);
            }
            long gone = members.stream().filter(m -> m.gone() != null).count();
            if (gone > 0) {
                LeaveReason reason = members.stream().map(Member::gone).filter(r -> r != null).findFirst().orElseThrow();
                throw new IllegalStateException(String.format(Locale.ROOT,
                        "%d of %d members were disconnected (the first: %s)", gone, members.size(), reason));
            }
        }

        @Override
        public void close() throws IOException {
            if (closed.compareAndSet(false, true)) {
                closeAll();
            }
        }

        /**
         * Closes the server first, which says goodbye to every member at once (no member's leave is
         * then announced to the rest), then the clients, several side by side, boundedly.
         */
        private void closeAll() throws IOException {
            List<ChatClient> all;
            synchronized (clients) {
                all = List.copyOf(clients);
            }
            IOException failure = null;
            try {
                server.close();
            } catch (RuntimeException e) {
                failure = new IOException("closing the chat server failed: " + e, e);
            }
            ExecutorService closer = Executors.newFixedThreadPool(CLOSE_THREADS, r -> {
                Thread t = new Thread(r, "bench-chat-closer");
                t.setDaemon(true);
                return t;
            });
            try {
                List<Future<?>> closing = new ArrayList<>(all.size());
                for (ChatClient c : all) {
                    closing.add(closer.submit(c::close));
                }
                closer.shutdown();
                if (!closer.awaitTermination(CLOSE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                    long open = closing.stream().filter(f -> !f.isDone()).count();
                    failure = chain(failure, new IOException(open + " of " + all.size()
                            + " chat clients did not close within " + CLOSE_TIMEOUT.toSeconds() + " s"));
                }
                for (Future<?> f : closing) {
                    if (f.isDone() && !f.isCancelled()) {
                        try {
                            f.get();
                        } catch (ExecutionException e) {
                            failure = chain(failure, new IOException("closing a chat client failed: " + e.getCause(),
                                    e.getCause()));
                        }
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                failure = chain(failure, new IOException("interrupted while closing the chat clients", e));
            } finally {
                closer.shutdownNow();
            }
            if (failure != null) {
                throw failure;
            }
        }

        private static IOException chain(IOException first, IOException next) {
            if (first == null) {
                return next;
            }
            first.addSuppressed(next);
            return first;
        }
    }
}
