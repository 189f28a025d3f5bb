package io.github.udpkit.cli;

import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code udpkit demo}: plays the demo scenes in one process on loopback and exits 0 if all went well. */
@Command(name = "demo",
        description = "Shows udpkit at work in one process on loopback: an uppercase echo server and a "
                + "client over UDP, with what each side sent and received, and when; then reliable delivery "
                + "across a lossy link, with the retransmissions it took; then a chat room of three members "
                + "over lossy links.")
final class DemoCommand implements Callable<Integer> {

    @Spec
    private CommandSpec spec;

    /** The scenes, in the order they play. */
    static List<DemoScene> scenes() {
        return List.of(new UdpEchoScene(), new ReliableScene(), new ChatScene());
    }

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        List<DemoScene> scenes = scenes();
        int failed = 0;
        for (int i = 0; i < scenes.size(); i++) {
            DemoScene scene = scenes.get(i);
            out.printf("== scene %d of %d: %s ==%n%n", i + 1, scenes.size(), scene.title());
            out.flush();
            boolean ok = scene.play(out);
            out.println(ok ? "ok" : "FAILED");
            out.println();
            out.flush();
            if (!ok) {
                failed++;
            }
        }
        if (failed > 0) {
            spec.commandLine().getErr().println("udpkit: " + failed + " demo scene(s) failed");
            return ErrorReporter.FAILURE;
        }
        return 0;
    }
}
