package io.github.udpkit.chat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.udpkit.core.transport.Impairments;
import io.github.udpkit.testkit.SimulatedNetwork;
import io.github.udpkit.testkit.SimulationSeed;
import io.github.udpkit.testkit.SimulationSeedExtension;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The chat server and its members on udpkit's real protocol engines in the simulated network,
 * under seeded loss, duplication and reordering in virtual time: what the socket tests show for
 * three members, at the scale of a full room. A failure names the seed; set
 * {@code udpkit.simulation.seed} to replay it.
 */
@ExtendWith(SimulationSeedExtension.class)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ChatSimulationTest {

    private static final Impairments LOSSY = Impairments.builder()
            .loss(0.02)
            .duplicate(0.01)
            .reorder(0.02, Duration.ofMillis(15))
            .delay(Duration.ofMillis(5))
            .build();

    @Test
    void shouldDeliverEveryMessageExactlyOnceInOneOrderToEachOfAThousandMembers(@SimulationSeed long seed) {
        SimulatedNetwork net = SimulatedNetwork.builder().seed(seed).defaultImpairments(LOSSY).build();
        ChatServerConfig config = ChatServerConfig.defaults();
        SimChatServer server = net.attachNew(net.nextAddress(),
                port -> new SimChatServer(port, config, SimChatServer.engineConfig(config, seed)));
        SimChatMember.Tally tally = new SimChatMember.Tally();
        List<SimChatMember> members = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            int n = i;
            SimChatMember m = net.attachNew(net.nextAddress(),
                    port -> new SimChatMember(port, server.address(), "m" + n, seed + n + 1, tally));
            members.add(m);
            m.join();
        }
        assertTrue(net.runUntil(() -> tally.joined == 1000, Duration.ofMinutes(5)),
                () -> "joined: " + tally.joined + "; " + net);
        assertEquals(1000, server.core().stats().members());

        // Ten members say five things each, all at once; everyone else listens.
        List<String> said = new ArrayList<>();
        for (int k = 1; k <= 5; k++) {
            for (int s = 0; s < 10; s++) {
                SimChatMember speaker = members.get(s * 97);
                String text = "message " + k + " from " + speaker.name();
                speaker.say(text);
                said.add(speaker.name() + ": " + text);
            }
        }
        SimChatMember listener = members.get(999);
        long expected = 50L * 999; // each message reaches everyone but its speaker
        assertTrue(net.runUntil(() -> tally.messages >= expected, Duration.ofMinutes(5)),
                () -> tally.messages + " of " + expected + " deliveries; " + net);
        net.advance(Duration.ofSeconds(5)); // time for duplicates and stragglers to show

        // The listener saw every message once; its order is the room's order.
        List<String> roomOrder = listener.messages();
        assertEquals(said.size(), roomOrder.size(), "each message once");
        assertTrue(roomOrder.containsAll(said), "the server stamped each with its sender's name");
        for (SimChatMember m : members) {
            List<String> mine = roomOrder.stream().filter(line -> !line.startsWith(m.name() + ": ")).toList();
            assertEquals(mine, m.messages(), () -> m.name() + ": every message once, in the room's order");
            assertNull(m.disconnected(), m.name());
            assertEquals(0, m.unacknowledged(), m.name());
        }
        // Each speaker's own messages reached the room in the order it said them.
        for (int s = 0; s < 10; s++) {
            String prefix = members.get(s * 97).name() + ": ";
            List<String> bySpeaker = roomOrder.stream().filter(line -> line.startsWith(prefix)).toList();
            assertEquals(said.stream().filter(line -> line.startsWith(prefix)).toList(), bySpeaker);
        }
        assertEquals(expected, tally.messages, "no duplicates");
        assertEquals(1000, server.core().stats().members());
        assertEquals(50, server.core().stats().messages());
        assertTrue(net.counters().lost() > 0, () -> "the network lost nothing: " + net.counters());
    }

    @Test
    void shouldDropAVanishedMemberAfterTheIdleTimeoutWhileTheOthersKeepReceiving(@SimulationSeed long seed) {
        SimulatedNetwork net = SimulatedNetwork.builder().seed(seed).defaultImpairments(LOSSY).build();
        Duration idle = Duration.ofSeconds(6);
        ChatServerConfig config = ChatServerConfig.builder().idleTimeout(idle).build();
        SimChatServer server = net.attachNew(net.nextAddress(),
                port -> new SimChatServer(port, config, SimChatServer.engineConfig(config, seed)));
        SimChatMember.Tally tally = new SimChatMember.Tally();
        List<SimChatMember> members = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            int n = i;
            SimChatMember m = net.attachNew(net.nextAddress(),
                    port -> new SimChatMember(port, server.address(), "m" + n, seed + n + 1, tally));
            members.add(m);
            m.join();
        }
        assertTrue(net.runUntil(() -> tally.joined == 10, Duration.ofMinutes(1)), net::toString);
        net.advance(Duration.ofSeconds(3)); // a ping or two from everyone
        SimChatMember ghost = members.get(3);
        SimChatMember speaker = members.get(0);
        ghost.vanish();
        // The speaker talks through the timeout, once a second; the messages to the ghost go unanswered.
        for (int i = 1; i <= 10; i++) {
            speaker.say("tick " + i);
            net.advance(Duration.ofSeconds(1));
        }
        assertTrue(net.runUntil(() -> tally.messages == 80, Duration.ofSeconds(30)), () -> tally.messages + "; " + net);
        net.advance(Duration.ofSeconds(5));
        assertEquals(1, server.left().size(), () -> "only the ghost left: " + server.left());
        SimChatServer.Left gone = server.left().get(0);
        assertEquals(new SimChatServer.Left("m3", LeaveReason.TIMED_OUT, gone.nanos()), gone);
        long silent = gone.nanos() - server.lastFrameAt(ghost.address());
        assertTrue(silent >= idle.minusMillis(1).toNanos(), () -> "dropped after " + silent + " ns of silence, before the idle timeout");
        assertTrue(silent <= idle.plusSeconds(1).toNanos(), () -> "dropped only after " + silent + " ns of silence");
        assertEquals(Set.of("m0", "m1", "m2", "m4", "m5", "m6", "m7", "m8", "m9"),
                Set.copyOf(server.core().membersOf("lobby")));
        for (SimChatMember m : members) {
            if (m != ghost && m != speaker) {
                List<String> ticks = new ArrayList<>();
                for (int i = 1; i <= 10; i++) {
                    ticks.add("m0: tick " + i);
                }
                assertEquals(ticks, m.messages(), m.name());
                assertEquals(List.of("m3 TIMED_OUT"), m.left(), m.name());
            }
        }
        assertEquals(1, server.core().stats().timedOut());
    }
}
