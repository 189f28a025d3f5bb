package io.github.udpkit.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@code udpkit demo} plays every scene and exits 0. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class DemoCommandTest {

    private static final String TIME = "\\d\\d:\\d\\d:\\d\\d\\.\\d{3}";
    /** One run serves every test: the scenes are checked, not run again. */
    private static Cli.Result demo;

    private static synchronized Cli.Result demo() {
        if (demo == null) {
            demo = Cli.run("demo");
        }
        return demo;
    }

    @Test
    void shouldShowBothSidesOfEachRoundTrip() {
        Cli.Result r = demo();
        assertEquals(0, r.exit(), r.out() + r.err());
        assertEquals("", r.err());
        List<String> lines = r.outLines();
        assertTrue(lines.get(0).startsWith("== scene 1 of " + DemoCommand.scenes().size() + ": uppercase echo"), r.out());
        for (String text : UdpEchoScene.LINES) {
            String upper = Console.quote(Uppercase.of(text));
            String lower = Console.quote(text);
            int sent = indexOf(lines, TIME + "  client  sent to        server 127\\.0\\.0\\.1:\\d+\\s+" + q(lower) + ".*");
            assertTrue(lines.get(sent + 1).matches(TIME + "  server  received from  client 127\\.0\\.0\\.1:\\d+\\s+"
                    + q(lower) + ".*"), lines.get(sent + 1));
            assertTrue(lines.get(sent + 2).matches(TIME + "  server  sent to        client .*" + q(upper) + ".*"),
                    lines.get(sent + 2));
            assertTrue(lines.get(sent + 3).matches(TIME + "  client  received from  server .*" + q(upper)
                    + " \\(\\d+ bytes\\)  round trip \\d+\\.\\d{3} ms"), lines.get(sent + 3));
        }
        assertTrue(r.out().contains("client: 3 datagrams sent"), r.out());
        assertTrue(r.out().contains("server: 3 datagrams received"), r.out());
        assertEquals(DemoCommand.scenes().size(), lines.stream().filter("ok"::equals).count(), r.out());
    }

    @Test
    void shouldDeliverEveryMessageOnceAndInOrderAcrossTheLossyLink() {
        Cli.Result r = demo();
        assertEquals(0, r.exit(), r.out() + r.err());
        List<String> lines = r.outLines();
        int scene = indexOf(lines, "== scene \\d+ of \\d+: reliable delivery across a lossy link \\(RELIABLE mode, "
                + "20% loss, 5% duplication\\) ==");
        List<String> rest = lines.subList(scene, lines.size());
        indexOf(rest, "link    the client's traffic, both ways: loss 20%, duplicate 5%, seed " + ReliableScene.SEED);
        for (int i = 1; i <= ReliableScene.ONE_BY_ONE; i++) {
            indexOf(rest, TIME + "  client  " + q(Console.quote(ReliableScene.text(i)))
                    + "\\s+sent \\d+ times?,\\s+acknowledged after\\s+\\d+\\.\\d ms");
        }
        indexOf(rest, TIME + "  server  received all " + ReliableScene.BURST + ", in order, each once");
        indexOf(rest, TIME + "  client  all " + ReliableScene.BURST + " acknowledged after \\d+ ms, \\d+ retransmissions");
        indexOf(rest, "client: datagrams sent \\d+, retransmissions [1-9]\\d*, smoothed RTT \\d+\\.\\d{3} ms");
        indexOf(rest, "server: datagrams received \\d+, duplicates dropped \\d+, messages delivered "
                + (ReliableScene.ONE_BY_ONE + ReliableScene.BURST));
        assertEquals("ok", rest.get(indexOf(rest, "server: datagrams received .*") + 1));
    }

    private static int indexOf(List<String> lines, String regex) {
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).matches(regex)) {
                return i;
            }
        }
        throw new AssertionError("no line matches " + regex + " in " + lines);
    }

    private static String q(String s) {
        return Pattern.quote(s);
    }
}
