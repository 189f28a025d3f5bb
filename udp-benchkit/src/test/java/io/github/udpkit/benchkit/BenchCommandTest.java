package io.github.udpkit.benchkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class BenchCommandTest {

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int run(String... args) {
        CommandLine cli = new CommandLine(new BenchCommand());
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        return cli.execute(args);
    }

    @Test
    void shouldPrintATableAndWriteOneParseableRecordPerScenario(@TempDir Path dir) throws Exception {
        Path json = dir.resolve("out/bench.json");
        int exit = run("--scenario", "udpkit-raw.throughput.64", "--rounds", "1", "--duration", "30ms",
                "--warmup", "10ms", "--json", json.toString());

        assertEquals(0, exit, () -> "out: " + out + "\nerr: " + err);
        String table = out.toString();
        assertTrue(table.contains("msgs/s median [min..max]"), table);
        assertTrue(table.lines().anyMatch(l -> l.startsWith("throughput") && l.contains("udpkit RAW")), table);
        assertTrue(table.lines().anyMatch(l -> l.contains("DatagramChannel") && l.contains("1.00x")),
                () -> "the baseline of the chosen scenario runs too: " + table);
        assertTrue(err.toString().contains("round 1/1"), () -> "a progress line: " + err);

        Object parsed = MiniJson.parse(Files.readString(json, StandardCharsets.UTF_8));
        List<?> records = assertInstanceOf(List.class, parsed);
        assertEquals(2, records.size(), "the scenario and its baseline");
        for (Object o : records) {
            Map<?, ?> record = assertInstanceOf(Map.class, o);
            for (String field : List.of("scenario", "mode", "wait", "payloadBytes", "messagesPerSecond", "p50Micros",
                    "p99Micros", "p999Micros", "ratioToBaseline", "date", "jdk", "cores", "lossRatio", "id", "receivers",
                    "reference", "ratioToReference", "openMillis", "runtime", "transport", "datagramBytes")) {
                assertTrue(record.containsKey(field), () -> "missing " + field + " in " + record);
            }
            assertEquals(64.0, record.get("payloadBytes"));
            assertEquals("throughput", record.get("scenario"));
            assertTrue((Double) record.get("messagesPerSecond") > 0, record::toString);
            assertNull(record.get("p50Micros"), "throughput records have no latency");
            assertTrue((Double) record.get("ratioToBaseline") > 0, record::toString);
            assertEquals(1.0, record.get("receivers"), "one receiver counts each message");
            assertNull(record.get("reference"), "neither row names a reference");
            assertTrue((Double) record.get("openMillis") >= 0, record::toString);
            assertEquals((double) Runtime.getRuntime().availableProcessors(), record.get("cores"));
            assertEquals(BenchEnvironment.current().runtime(), record.get("runtime"));
            assertTrue(BenchRunnerTest.isTransportOfThisJdk((String) record.get("transport")),
                    "the baseline on the JDK's DatagramChannel, udpkit on it or, on JDK 22+, the batched one: " + record);
            Instant.parse((String) record.get("date"));
        }
        Map<?, ?> udpkit = (Map<?, ?>) records.get(1);
        assertEquals("udpkit RAW", udpkit.get("mode"));
        assertEquals("udpkit-raw.throughput.64", udpkit.get("id"));
        assertTrue(udpkit.containsKey("maxDatagramBytes"), udpkit::toString);
        assertNull(udpkit.get("maxDatagramBytes"), "RAW sends each message as it is");
        assertEquals(64.0, udpkit.get("datagramBytes"), "RAW's datagrams are its messages, counted by its stats");
        assertNull(((Map<?, ?>) records.get(0)).get("datagramBytes"), "the raw channel does not count its datagrams");
        String runtime = BenchEnvironment.current().runtime();
        assertTrue(table.lines().filter(l -> l.startsWith("throughput"))
                .allMatch(l -> l.contains(runtime) && (l.contains(" jdk ") || l.contains(" " + udpkit.get("transport") + " "))),
                () -> "every row states JDK and transport: " + table);
    }

    @Test
    void shouldRecordTheDatagramSizeOfAFramedRowInTheJson() {
        Scenario reliable = Scenarios.standard().stream().filter(s -> s.id().equals("udpkit-reliable.throughput.1200"))
                .findFirst().orElseThrow();
        Result result = new Result(reliable, 1, new Spread(1, 1, 1), 0, null, null, null, null, null, null, 0.25, 3L,
                "jdk", 1400.0);
        BenchEnvironment env = new BenchEnvironment(Instant.EPOCH, "jdk", "17 OpenJDK", 2, "os");
        List<?> records = (List<?>) MiniJson.parse(JsonReport.toJson(List.of(result), env, BenchPlan.quick().build(),
                "bench"));
        assertEquals(1472.0, ((Map<?, ?>) records.get(0)).get("maxDatagramBytes"));
        assertEquals(0.25, ((Map<?, ?>) records.get(0)).get("otherCpuShare"));
        assertEquals(1400.0, ((Map<?, ?>) records.get(0)).get("datagramBytes"));
        assertEquals("17 OpenJDK", ((Map<?, ?>) records.get(0)).get("runtime"));
        assertTrue(ResultTable.render(List.of(result), env, List.of()).lines()
                .anyMatch(l -> l.startsWith("throughput") && l.endsWith("25%")), "the table states others' CPU");
        assertTrue(Scenarios.notes().stream().anyMatch(n -> n.contains("maxDatagramSize 1472")), Scenarios.notes()::toString);
    }

    @Test
    void shouldStateTheRatioToTheReferenceRowInTheTableAndTheJson() {
        Scenario encrypted = Scenarios.standard().stream()
                .filter(s -> s.id().equals("udpkit-reliable-aead.throughput.1200")).findFirst().orElseThrow();
        Result result = new Result(encrypted, 1, new Spread(8, 8, 8), 0, null, null, null, 0.5, 0.8, null, null, 2_500L, "jdk", null);
        BenchEnvironment env = new BenchEnvironment(Instant.EPOCH, "jdk", "17 OpenJDK", 2, "os");

        String table = ResultTable.render(List.of(result), env, List.of());
        assertTrue(table.contains("vs reference: udpkit RELIABLE, AES-GCM 1200 B is 0.80x the rate of "
                + "udpkit-reliable.throughput.1200 in this run"), table);
        assertTrue(table.contains("opening: udpkit-reliable-aead.throughput.1200 took 2.5 s"), table);
        Map<?, ?> record = (Map<?, ?>) ((List<?>) MiniJson.parse(JsonReport.toJson(List.of(result), env,
                BenchPlan.quick().build(), "bench"))).get(0);
        assertEquals("udpkit-reliable.throughput.1200", record.get("reference"));
        assertEquals(0.8, record.get("ratioToReference"));
        assertEquals(2500.0, record.get("openMillis"));
        assertTrue(Scenarios.notes().stream().anyMatch(n -> n.contains("AES-256-GCM") && n.contains("HKDF")),
                Scenarios.notes()::toString);
    }

    /** Stands in for the udpkit command, whose standard options (help, version, -v) subcommands inherit. */
    @CommandLine.Command(name = "parent", mixinStandardHelpOptions = true, scope = CommandLine.ScopeType.INHERIT,
            version = "test")
    static final class Parent implements Runnable {
        @CommandLine.Option(names = {"-v", "--verbose"}, scope = CommandLine.ScopeType.INHERIT)
        boolean[] verbose = new boolean[0];

        @Override
        public void run() {
        }
    }

    @Test
    void shouldFitUnderACommandWhoseStandardOptionsAreInherited() {
        CommandLine cli = new CommandLine(new Parent()).addSubcommand(new BenchCommand());
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        assertEquals(0, cli.execute("bench", "--help"), err::toString);
        assertTrue(out.toString().contains("--quick") && out.toString().contains("--json=FILE"), out::toString);
        assertTrue(out.toString().contains("--help"), out::toString);
    }

    @Test
    void shouldListTheScenarioIds() {
        assertEquals(0, run("--list"));
        for (Scenario s : Scenarios.standard()) {
            assertTrue(out.toString().contains(s.id()), () -> s.id() + " missing from " + out);
        }
        for (String id : List.of("udpkit-raw-blocking.throughput.64", "udpkit-raw-blocking.throughput.1200",
                "udpkit-raw.rtt-adaptive.64", "udpkit-reliable.rtt-adaptive.64", "udpkit-raw-receive.rtt-adaptive.64",
                "udpkit-reliable-receive.rtt-adaptive.64", "udpkit-raw.throughput.64", "udpkit-raw.rtt-blocking.64")) {
            assertTrue(out.toString().contains(id), () -> id + " missing from " + out);
        }
    }

    @Test
    void shouldStateAnAdaptiveRowsWaitAndWhatItIsComparedWith() {
        Scenario adaptive = Scenarios.standard().stream().filter(s -> s.id().equals("udpkit-raw.rtt-adaptive.64"))
                .findFirst().orElseThrow();
        Result result = new Result(adaptive, 1, new Spread(9, 9, 9), 0, new Spread(20, 20, 20),
                new Spread(30, 30, 30), new Spread(40, 40, 40), 0.4, null, null, null, 1L, "jdk", null);
        BenchEnvironment env = new BenchEnvironment(Instant.EPOCH, "jdk", "17 OpenJDK", 2, "os");

        String table = ResultTable.render(List.of(result), env, Scenarios.notes());
        assertTrue(table.lines().anyMatch(l -> l.startsWith("round-trip") && l.contains("udpkit RAW")
                && l.contains("adaptive") && l.contains("0.40x p50")), table);
        assertTrue(table.contains("adaptive rows with the blocking one"), table);
        for (String wait : List.of("'blocking'", "'adaptive'", "'busy-spin'")) {
            assertTrue(table.lines().anyMatch(l -> l.startsWith("note: wait " + wait)), () -> wait + " explained: " + table);
        }
        assertTrue(table.contains("idleSpin(Duration.ZERO)") && table.contains("busySpin()"), table);
        Map<?, ?> record = (Map<?, ?>) ((List<?>) MiniJson.parse(JsonReport.toJson(List.of(result), env,
                BenchPlan.quick().build(), "bench"))).get(0);
        assertEquals("adaptive", record.get("wait"));
        assertEquals("udpkit-raw.rtt-adaptive.64", record.get("id"));
    }

    @Test
    void shouldRejectOutOfRangeOptionsNamingTheValue() {
        assertEquals(2, run("--rounds", "0"));
        assertTrue(err.toString().contains("rounds must be in 1..100: 0"), err::toString);
    }

    @Test
    void shouldRejectAFilterThatMatchesNothing() {
        assertEquals(2, run("--scenario", "carrier-pigeon", "--quick"));
        assertTrue(err.toString().contains("no scenario id contains 'carrier-pigeon'"), err::toString);
    }

    @Test
    void shouldRejectAnUnreadableDuration() {
        assertEquals(2, run("--duration", "soon"));
        assertTrue(err.toString().contains("'soon'"), err::toString);
    }

    @Test
    void shouldEscapeStringsSoTheyParseBack() {
        String nasty = "quote \" backslash \\ newline \n tab \t bell \u0007 sep \u2028 µs ü";
        StringBuilder json = new StringBuilder();
        JsonReport.quote(json, nasty);
        assertEquals(nasty, MiniJson.parse(json.toString()));
    }

    @Test
    void shouldRenderAFailedScenarioWithItsReason() {
        Scenario s = Scenario.throughput("broken", "Broken", Scenario.Wait.BLOCKING, 64, c -> {
            throw new IllegalStateException("nope");
        });
        BenchEnvironment env = new BenchEnvironment(Instant.EPOCH, "jdk \"x\"", "25 Temurin", 2, "os");
        List<Result> results = List.of(Result.failed(s, "it \"broke\"\n badly"));
        String table = ResultTable.render(results, env, List.of("a note"));
        assertTrue(table.contains("FAILED broken.throughput.64: it \"broke\""), table);
        assertTrue(table.contains("note: a note"), table);

        List<?> records = (List<?>) MiniJson.parse(JsonReport.toJson(results, env, BenchPlan.quick().build(), "bench"));
        Map<?, ?> record = (Map<?, ?>) records.get(0);
        assertEquals("it \"broke\"\n badly", record.get("failure"));
        assertEquals("jdk \"x\"", record.get("jdk"));
        assertEquals("25 Temurin", record.get("runtime"));
        assertEquals("jdk", record.get("transport"), "a row that failed to open shows its declared transport");
        assertTrue(table.lines().anyMatch(l -> l.startsWith("throughput") && l.contains("25 Temurin")
                && l.contains("jdk") && l.contains("FAILED")), table);
        assertNull(record.get("messagesPerSecond"));
        assertNull(record.get("ratioToBaseline"));
    }
}
