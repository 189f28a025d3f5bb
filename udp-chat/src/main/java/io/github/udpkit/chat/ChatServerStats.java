package io.github.udpkit.chat;

/**
 * A snapshot of a chat server's counters, from {@link ChatServerCore#stats()}.
 *
 * @param members members now, over all rooms
 * @param rooms rooms now
 * @param joins joins accepted (room switches included)
 * @param rejections joins and room switches refused
 * @param messages room messages accepted and relayed
 * @param privateMessages private messages delivered
 * @param framesSent frames handed to the sink
 * @param rateLimited requests dropped by a rate limit
 * @param invalidRequests messages, private messages and names refused for their content
 * @param unexpectedFrames frames a client never sends (server frames), or requests from non-members, ignored
 * @param repliesWithheld refusals not sent because the reply would have been larger than the request
 * @param timedOut members dropped for silence
 * @param unreachable members dropped because sends to them failed or backed up
 * @param plainMembers plain members now (programs that speak plain text), included in {@code members}
 * @param plainJoins plain members accepted
 * @param plainIgnored plain datagrams ignored: plain members not allowed, a source outside the
 *     plain sources, not UTF-8, or from a framed member's address
 * @param signatureRefusals signed JOINs, messages and private messages refused for their
 *     signature (bad, replayed, a name bound to another key), and unsigned ones from members with a key
 * @since 0.1.0
 */
public record ChatServerStats(int members, int rooms, long joins, long rejections, long messages,
                              long privateMessages, long framesSent, long rateLimited, long invalidRequests,
                              long unexpectedFrames, long repliesWithheld, long timedOut, long unreachable,
                              int plainMembers, long plainJoins, long plainIgnored,
                              long signatureRefusals) {
}
