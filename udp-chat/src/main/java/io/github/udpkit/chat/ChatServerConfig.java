package io.github.udpkit.chat;

import static com.google.common.base.Preconditions.checkArgument;

import io.github.udpkit.core.security.AddressFilter;
import java.time.Duration;
import java.time.ZoneId;
import java.util.Objects;
import java.util.Optional;

/**
 * The rules and limits of a chat server: immutable, built by a validating {@link Builder}.
 *
 * <p>Defaults: room {@code lobby}; at most 10,000 members, 1,000 rooms and 1,000 members a room;
 * 20 messages of history; names and room names up to 32 characters and 64 bytes; messages up to
 * 500 characters and 2,000 bytes; a burst of 10 requests, then one every 200 ms (5 a second); members
 * silent for 30 seconds are dropped.
 *
 * @since 0.1.0
 */
public final class ChatServerConfig {

    /**
     * The largest frame the server may have to send, in bytes: the member list and history of a
     * full room must fit in it. It is the default largest message of udpkit's framed endpoints.
     */
    public static final int MAX_FRAME_BYTES = 1 << 20;

    /** Declared before DEFAULTS, whose builder reads it. */
    private static final AddressFilter PRIVATE_SOURCES = AddressFilter.builder()
            .allow("127.0.0.0/8").allow("::1/128").allow("169.254.0.0/16").allow("fe80::/10")
            .allow("10.0.0.0/8").allow("172.16.0.0/12").allow("192.168.0.0/16").allow("fc00::/7")
            .build();

    private static final ChatServerConfig DEFAULTS = builder().build();

    private final String defaultRoom;
    private final int maxMembers;
    private final int maxRooms;
    private final int maxMembersPerRoom;
    private final int historySize;
    private final int maxNameCodePoints;
    private final int maxNameBytes;
    private final int maxTextCodePoints;
    private final int maxTextBytes;
    private final int rateBurst;
    private final Duration rateRefill;
    private final Duration idleTimeout;
    private final int maxPlainMembers;
    private final Duration plainIdleTimeout;
    private final AddressFilter plainSources;
    private final ZoneId plainTimeZone;

    private ChatServerConfig(Builder b) {
        this.defaultRoom = b.defaultRoom;
        this.maxMembers = b.maxMembers;
        this.maxRooms = b.maxRooms;
        this.maxMembersPerRoom = b.maxMembersPerRoom;
        this.historySize = b.historySize;
        this.maxNameCodePoints = b.maxNameCodePoints;
        this.maxNameBytes = b.maxNameBytes;
        this.maxTextCodePoints = b.maxTextCodePoints;
        this.maxTextBytes = b.maxTextBytes;
        this.rateBurst = b.rateBurst;
        this.rateRefill = b.rateRefill;
        this.idleTimeout = b.idleTimeout;
        this.maxPlainMembers = b.maxPlainMembers;
        this.plainIdleTimeout = b.plainIdleTimeout;
        this.plainSources = b.plainSources;
        this.plainTimeZone = b.plainTimeZone;
    }

    /**
     * The sources plain members are accepted from unless configured otherwise: loopback,
     * link-local and the private ranges ({@code 10.0.0.0/8}, {@code 172.16.0.0/12},
     * {@code 192.168.0.0/16}, {@code fc00::/7}). A plain datagram cannot prove its source address,
     * so plain members are a feature of the local network.
     *
     * @return the filter
     */
    public static AddressFilter privateSources() {
        return PRIVATE_SOURCES;
    }

    /**
     * How many plain members (programs that send plain text datagrams, not udpkit frames) may be in
     * the server at once; 0, the default, ignores plain text.
     *
     * @return the limit
     */
    public int maxPlainMembers() {
        return maxPlainMembers;
    }

    /**
     * How long a plain member may stay silent before it is dropped; plain programs do not ping.
     *
     * @return the timeout, 10 minutes unless set
     */
    public Duration plainIdleTimeout() {
        return plainIdleTimeout;
    }

    /**
     * The sources plain members are accepted from.
     *
     * @return the filter, {@link #privateSources()} unless set
     */
    public AddressFilter plainSources() {
        return plainSources;
    }

    /**
     * The zone of the {@code HH:MM:SS} stamps in the lines sent to plain members.
     *
     * @return the zone, the system's unless set
     */
    public ZoneId plainTimeZone() {
        return plainTimeZone;
    }

    /**
     * The default configuration.
     *
     * @return the defaults
     */
    public static ChatServerConfig defaults() {
        return DEFAULTS;
    }

    /**
     * A builder holding the defaults.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /** The room a JOIN without a room name joins. */
    public String defaultRoom() {
        return defaultRoom;
    }

    /** The most members the server holds, over all rooms. */
    public int maxMembers() {
        return maxMembers;
    }

    /** The most rooms the server holds; a room exists while it has members. */
    public int maxRooms() {
        return maxRooms;
    }

    /** The most members one room holds. */
    public int maxMembersPerRoom() {
        return maxMembersPerRoom;
    }

    /** How many of a room's last messages a joiner receives. */
    public int historySize() {
        return historySize;
    }

    /** The most code points a name or room name may have. */
    public int maxNameCodePoints() {
        return maxNameCodePoints;
    }

    /** The most UTF-8 bytes a name or room name may have. */
    public int maxNameBytes() {
        return maxNameBytes;
    }

    /** The most code points a message may have. */
    public int maxTextCodePoints() {
        return maxTextCodePoints;
    }

    /** The most UTF-8 bytes a message may have. */
    public int maxTextBytes() {
        return maxTextBytes;
    }

    /** How many requests a member may send at once before the rate limit applies. */
    public int rateBurst() {
        return rateBurst;
    }

    /** How often a member earns one more request once its burst is spent. */
    public Duration rateRefill() {
        return rateRefill;
    }

    /** How long a member may stay silent (no message, no ping) before it is dropped. */
    public Duration idleTimeout() {
        return idleTimeout;
    }

    /**
     * The worst case size of a member list with history ({@link ChatFrame.Joined}) under these limits.
     *
     * @return bytes
     */
    public long worstCaseJoinedBytes() {
        return worstCaseJoinedBytes(maxMembersPerRoom, historySize, maxNameBytes, maxTextBytes);
    }

    private static long worstCaseJoinedBytes(int membersPerRoom, int history, int nameBytes, int textBytes) {
        long header = 2 + 2 * (1 + nameBytes) + 4 + 2 + 4;
        long members = 2 + (long) membersPerRoom * (1 + nameBytes);
        long lines = 1 + (long) history * (1 + nameBytes + 8 + 2 + textBytes);
        return header + members + lines;
    }

    @Override
    public String toString() {
        return "ChatServerConfig[defaultRoom=" + defaultRoom + ", maxMembers=" + maxMembers + ", maxRooms=" + maxRooms
                + ", maxMembersPerRoom=" + maxMembersPerRoom + ", historySize=" + historySize
                + ", name<=" + maxNameCodePoints + "cp/" + maxNameBytes + "B, text<=" + maxTextCodePoints + "cp/"
                + maxTextBytes + "B, rate=" + rateBurst + " then 1 per " + rateRefill.toMillis() + "ms, idleTimeout="
                + idleTimeout.toMillis() + "ms, plainMembers=" + maxPlainMembers + "]";
    }

    /**
     * Builds a {@link ChatServerConfig}; every setter checks its argument at once.
     *
     * @since 0.1.0
     */
    public static final class Builder {
        private String defaultRoom = "lobby";
        private int maxMembers = 10_000;
        private int maxRooms = 1_000;
        private int maxMembersPerRoom = 1_000;
        private int historySize = 20;
        private int maxNameCodePoints = 32;
        private int maxNameBytes = 64;
        private int maxTextCodePoints = 500;
        private int maxTextBytes = 2_000;
        private int rateBurst = 10;
        private Duration rateRefill = Duration.ofMillis(200);
        private Duration idleTimeout = Duration.ofSeconds(30);
        private int maxPlainMembers;
        private Duration plainIdleTimeout = Duration.ofMinutes(10);
        private AddressFilter plainSources = PRIVATE_SOURCES;
        private ZoneId plainTimeZone = ZoneId.systemDefault();

        private Builder() {
        }

        /**
         * Lets programs that send plain text datagrams (the seeds' Python chat client, a netcat)
         * join: their first datagram makes them a member of the default room, named by their
         * address until they send {@code /nick NAME}; their lines are said to the room and they
         * receive it as plain text lines. They count toward {@link #maxMembers}, pass the same
         * rate limit, and are accepted only from {@link #plainSources}.
         *
         * @param max how many may be in at once, 0 (the default: plain text ignored) to 10,000
         * @return this
         */
        public Builder plainMembers(int max) {
            checkArgument(max >= 0 && max <= 10_000, "plain members must be in 0..10000: %s", max);
            this.maxPlainMembers = max;
            return this;
        }

        /**
         * Sets how long a plain member may stay silent before it is dropped and announced as gone.
         *
         * @param timeout 1 ms to about 49 days
         * @return this
         */
        public Builder plainIdleTimeout(Duration timeout) {
            Objects.requireNonNull(timeout, "timeout");
            checkArgument(timeout.toMillis() >= 1 && timeout.toMillis() <= 0xFFFF_FFFFL,
                    "plainIdleTimeout must be 1 ms to 2^32-1 ms: %s", timeout);
            this.plainIdleTimeout = timeout;
            return this;
        }

        /**
         * Sets which sources plain members are accepted from; a plain datagram from elsewhere is
         * ignored and counted.
         *
         * @param sources e.g. {@link ChatServerConfig#privateSources()}
         * @return this
         */
        public Builder plainSources(AddressFilter sources) {
            this.plainSources = Objects.requireNonNull(sources, "sources");
            return this;
        }

        /**
         * Sets the zone of the time stamps in the lines sent to plain members.
         *
         * @param zone the zone
         * @return this
         */
        public Builder plainTimeZone(ZoneId zone) {
            this.plainTimeZone = Objects.requireNonNull(zone, "zone");
            return this;
        }

        /**
         * Sets the room a JOIN without a room name joins; it must be a valid room name under the
         * name limits in force when {@link #build()} is called.
         *
         * @param room the room name
         * @return this
         */
        public Builder defaultRoom(String room) {
            this.defaultRoom = Objects.requireNonNull(room, "room");
            return this;
        }

        /**
         * Sets the most members the server holds over all its rooms.
         *
         * @param members a positive count
         * @return this
         */
        public Builder maxMembers(int members) {
            checkArgument(members > 0, "maxMembers must be positive: %s", members);
            this.maxMembers = members;
            return this;
        }

        /**
         * Sets the most rooms the server holds.
         *
         * @param rooms a positive count
         * @return this
         */
        public Builder maxRooms(int rooms) {
            checkArgument(rooms > 0, "maxRooms must be positive: %s", rooms);
            this.maxRooms = rooms;
            return this;
        }

        /**
         * Sets the most members one room holds.
         *
         * @param members 1 to 65,535 (a member list's bound on the wire)
         * @return this
         */
        public Builder maxMembersPerRoom(int members) {
            checkArgument(members > 0 && members <= ChatCodec.MAX_MEMBERS,
                    "maxMembersPerRoom must be in 1..%s: %s", ChatCodec.MAX_MEMBERS, members);
            this.maxMembersPerRoom = members;
            return this;
        }

        /**
         * Sets how many of a room's last messages a joiner receives.
         *
         * @param messages 0 to 255
         * @return this
         */
        public Builder historySize(int messages) {
            checkArgument(messages >= 0 && messages <= ChatCodec.MAX_HISTORY,
                    "historySize must be in 0..%s: %s", ChatCodec.MAX_HISTORY, messages);
            this.historySize = messages;
            return this;
        }

        /**
         * Sets the length limits of names and room names.
         *
         * @param codePoints the most code points, positive
         * @param bytes the most UTF-8 bytes, 1 to 255
         * @return this
         */
        public Builder maxNameLength(int codePoints, int bytes) {
            checkArgument(codePoints > 0, "name code point limit must be positive: %s", codePoints);
            checkArgument(bytes > 0 && bytes <= ChatCodec.MAX_NAME_BYTES,
                    "name byte limit must be in 1..%s: %s", ChatCodec.MAX_NAME_BYTES, bytes);
            this.maxNameCodePoints = codePoints;
            this.maxNameBytes = bytes;
            return this;
        }

        /**
         * Sets the length limits of messages.
         *
         * @param codePoints the most code points, positive
         * @param bytes the most UTF-8 bytes, 1 to 4,096
         * @return this
         */
        public Builder maxTextLength(int codePoints, int bytes) {
            checkArgument(codePoints > 0, "text code point limit must be positive: %s", codePoints);
            checkArgument(bytes > 0 && bytes <= ChatCodec.MAX_TEXT_BYTES,
                    "text byte limit must be in 1..%s: %s", ChatCodec.MAX_TEXT_BYTES, bytes);
            this.maxTextCodePoints = codePoints;
            this.maxTextBytes = bytes;
            return this;
        }

        /**
         * Sets the per-member rate limit: a token bucket of {@code burst} requests that gains one
         * every {@code refill}. Messages, private messages, who and room switches each take one.
         *
         * @param burst how many requests at once, 1 to 65,535
         * @param refill how often one more is earned, 1 ms to about 49 days
         * @return this
         */
        public Builder rateLimit(int burst, Duration refill) {
            Objects.requireNonNull(refill, "refill");
            checkArgument(burst > 0 && burst <= 0xFFFF, "rate burst must be in 1..65535: %s", burst);
            checkArgument(refill.toMillis() >= 1 && refill.toMillis() <= 0xFFFF_FFFFL,
                    "rate refill must be 1 ms to 2^32-1 ms: %s", refill);
            this.rateBurst = burst;
            this.rateRefill = refill;
            return this;
        }

        /**
         * Sets how long a member may stay silent before it is dropped and announced as gone.
         * Clients ping at a third of it when they have nothing to say.
         *
         * @param timeout 1 ms to about 49 days
         * @return this
         */
        public Builder idleTimeout(Duration timeout) {
            Objects.requireNonNull(timeout, "timeout");
            checkArgument(timeout.toMillis() >= 1 && timeout.toMillis() <= 0xFFFF_FFFFL,
                    "idleTimeout must be 1 ms to 2^32-1 ms: %s", timeout);
            this.idleTimeout = timeout;
            return this;
        }

        /**
         * Builds the configuration.
         *
         * @return the configuration
         * @throws IllegalArgumentException if the default room is not a valid room name, or a full
         *     room's member list and history would not fit in {@link #MAX_FRAME_BYTES}
         */
        public ChatServerConfig build() {
            Optional<ChatFrame.Notice> room = ChatText.checkRoom(defaultRoom, maxNameCodePoints, maxNameBytes);
            checkArgument(room.isEmpty(), "defaultRoom '%s' is not valid: %s", defaultRoom,
                    room.map(ChatFrame.Notice::text).orElse(""));
            long worst = worstCaseJoinedBytes(maxMembersPerRoom, historySize, maxNameBytes, maxTextBytes);
            checkArgument(worst <= MAX_FRAME_BYTES,
                    "a full room's member list and history could take %s bytes, over the %s-byte frame limit:"
                            + " lower maxMembersPerRoom, historySize or the length limits", worst, MAX_FRAME_BYTES);
            return new ChatServerConfig(this);
        }
    }
}
