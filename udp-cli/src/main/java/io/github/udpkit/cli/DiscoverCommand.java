package io.github.udpkit.cli;

import io.github.udpkit.core.Durations;
import io.github.udpkit.core.discovery.Discoverer;
import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code udpkit discover}: lists the udpkit servers on the local network that answer a discovery
 * probe within the timeout.
 */
@Command(name = "discover", sortOptions = false,
        description = {
            "Lists the udpkit servers on the local network (chat servers started with --discoverable, and any "
                    + "program that announces itself) that answer within --timeout, one per line: "
                    + "'SERVICE  NAME  HOST:PORT  rooms: ...'.",
            "Probes go to the discovery group " + Discoverer.IPV4_GROUP + " and the broadcast address, port "
                    + Discoverer.PORT + "; answers are never larger than the probe.",
        },
        exitCodeListHeading = "Exit codes:%n",
        exitCodeList = {"0:at least one server answered", "1:none did", "2:bad arguments"})
final class DiscoverCommand implements Callable<Integer> {

    @Spec
    private CommandSpec spec;

    @Mixin
    private DiscoveryOptions discovery;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        List<Discoverer.Found> found = discovery.discover();
        for (Discoverer.Found f : found) {
            out.println(DiscoveryOptions.format(f));
        }
        out.flush();
        if (found.isEmpty()) {
            err.println("udpkit: no server answered within " + Durations.format(discovery.timeout()));
            err.flush();
            return 1;
        }
        return 0;
    }
}
