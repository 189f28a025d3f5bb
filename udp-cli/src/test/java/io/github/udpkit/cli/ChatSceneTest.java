package io.github.udpkit.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The demo's chat scene: three members over lossy links, every line once, in order, with names and times. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ChatSceneTest {

    @Test
    void shouldShowEveryLineReachingTheOthersOnceInOrderWithNamesAndTimes() throws Exception {
        StringWriter text = new StringWriter();
        boolean ok = new ChatScene().play(new PrintWriter(text, true));
        List<String> lines = text.toString().lines().toList();
        assertTrue(ok, text.toString());
        for (String member : ChatScene.NAMES) {
            String prefix = String.format("%-7s", member);
            List<String> seen = lines.stream().filter(l -> l.startsWith(prefix + "[")).toList();
            List<String> expected = ChatScene.SCRIPT.stream().filter(l -> !l[0].equals(member))
                    .map(l -> l[0] + ": " + l[1]).toList();
            assertEquals(expected.size(), seen.size(), () -> member + " saw " + seen);
            for (String sender : ChatScene.NAMES) {
                List<String> fromSender = seen.stream()
                        .filter(l -> l.matches(Pattern.quote(prefix) + "\\[\\d\\d:\\d\\d:\\d\\d\\] "
                                + Pattern.quote(sender) + ": .*"))
                        .map(l -> l.substring(l.indexOf("] ") + 2)).toList();
                assertEquals(expected.stream().filter(l -> l.startsWith(sender + ": ")).toList(), fromSender,
                        () -> member + ": " + sender + "'s lines once each, in order");
            }
            String verdict = Pattern.quote(prefix + expected.size() + " of " + expected.size()
                    + " messages, each once and in order: yes;") + " \\d+ datagrams sent, \\d+ retransmitted";
            assertTrue(lines.stream().anyMatch(l -> l.matches(verdict)), text::toString);
        }
        assertTrue(lines.contains("alice  * bob joined"), text::toString);
        assertTrue(lines.contains("alice  * carol joined"), text::toString);
        assertTrue(lines.contains("alice  * carol left"), text::toString);
        assertTrue(lines.contains("alice  * bob left"), text::toString);
        assertTrue(lines.stream().anyMatch(l -> l.matches("server: 3 joins, 6 messages relayed as \\d+, .*")),
                text::toString);
    }
}
