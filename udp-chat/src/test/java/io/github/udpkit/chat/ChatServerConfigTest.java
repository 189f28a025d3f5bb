package io.github.udpkit.chat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

class ChatServerConfigTest {

    private static void assertRejected(Executable call, String expectedMessagePart) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call);
        assertTrue(e.getMessage().contains(expectedMessagePart), e.getMessage());
    }

    @Test
    void shouldHoldTheDocumentedDefaults() {
        ChatServerConfig c = ChatServerConfig.defaults();
        assertEquals("lobby", c.defaultRoom());
        assertEquals(10_000, c.maxMembers());
        assertEquals(1_000, c.maxRooms());
        assertEquals(1_000, c.maxMembersPerRoom());
        assertEquals(20, c.historySize());
        assertEquals(32, c.maxNameCodePoints());
        assertEquals(64, c.maxNameBytes());
        assertEquals(500, c.maxTextCodePoints());
        assertEquals(2_000, c.maxTextBytes());
        assertEquals(10, c.rateBurst());
        assertEquals(Duration.ofMillis(200), c.rateRefill());
        assertEquals(Duration.ofSeconds(30), c.idleTimeout());
        assertTrue(c.worstCaseJoinedBytes() <= ChatServerConfig.MAX_FRAME_BYTES);
    }

    @Test
    void shouldNameTheBadValueOfEachSetter() {
        ChatServerConfig.Builder b = ChatServerConfig.builder();
        assertRejected(() -> b.maxMembers(0), "maxMembers must be positive: 0");
        assertRejected(() -> b.maxRooms(-1), "maxRooms must be positive: -1");
        assertRejected(() -> b.maxMembersPerRoom(65_536), "maxMembersPerRoom must be in 1..65535: 65536");
        assertRejected(() -> b.historySize(256), "historySize must be in 0..255: 256");
        assertRejected(() -> b.maxNameLength(0, 10), "name code point limit must be positive: 0");
        assertRejected(() -> b.maxNameLength(10, 256), "name byte limit must be in 1..255: 256");
        assertRejected(() -> b.maxTextLength(10, 5000), "text byte limit must be in 1..4096: 5000");
        assertRejected(() -> b.rateLimit(0, Duration.ofSeconds(1)), "rate burst must be in 1..65535: 0");
        assertRejected(() -> b.rateLimit(1, Duration.ZERO), "rate refill must be 1 ms");
        assertRejected(() -> b.idleTimeout(Duration.ofMillis(-1)), "idleTimeout must be 1 ms");
    }

    @Test
    void shouldRefuseAnInvalidDefaultRoom() {
        assertRejected(() -> ChatServerConfig.builder().defaultRoom("main hall").build(), "defaultRoom 'main hall'");
        assertRejected(() -> ChatServerConfig.builder().defaultRoom("x".repeat(20)).maxNameLength(10, 20).build(),
                "20 characters; at most 10");
    }

    @Test
    void shouldRefuseLimitsWhoseFullRoomWouldNotFitInAFrame() {
        assertRejected(() -> ChatServerConfig.builder().maxMembersPerRoom(60_000).maxNameLength(64, 255).build(),
                "frame limit");
        ChatServerConfig ok = ChatServerConfig.builder().maxMembersPerRoom(60_000).maxNameLength(8, 16).historySize(0).build();
        assertTrue(ok.worstCaseJoinedBytes() <= ChatServerConfig.MAX_FRAME_BYTES);
    }
}
