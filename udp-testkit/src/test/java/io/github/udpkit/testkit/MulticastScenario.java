package io.github.udpkit.testkit;

import io.github.udpkit.api.Codecs;
import io.github.udpkit.api.DeliveryMode;
import io.github.udpkit.api.Endpoint;
import io.github.udpkit.api.Message;
import io.github.udpkit.api.ReceiveTimeoutException;
import io.github.udpkit.core.EndpointBuilder;
import io.github.udpkit.core.Udp;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;

/**
 * Run by {@link MulticastEndpointTest} inside a {@link NetworkNamespace}, never on the host's
 * interfaces: three endpoints join one group on one port, a fourth sends {@code count} messages
 * to the group, then the third leaves and {@code count} more go out. It prints, per receiver, the
 * numbers of the messages it got in each phase, for the test to check:
 * {@code r1 phase1 0,1,2,...}. Arguments: group, interface name, mode, count.
 */
public final class MulticastScenario {

    private static final Duration WAIT = Duration.ofSeconds(5);
    /** How long a receiver that left is watched for stray datagrams after the others got theirs. */
    private static final Duration AFTER_LEAVE = Duration.ofMillis(300);

    private MulticastScenario() {
    }

    public static void main(String[] args) throws Exception {
        InetAddress group = InetAddress.getByName(args[0]);
        String nif = args[1];
        DeliveryMode mode = DeliveryMode.valueOf(args[2]);
        int count = Integer.parseInt(args[3]);
        List<Endpoint<String>> receivers = new ArrayList<>();
        try (Endpoint<String> first = receiver(group, nif, mode, 0)) {
            int port = first.localAddress().getPort();
            receivers.add(first);
            receivers.add(receiver(group, nif, mode, port));
            receivers.add(receiver(group, nif, mode, port));
            try (Endpoint<String> sender = Udp.endpoint(Codecs.utf8()).mode(mode)
                    .bind(group instanceof java.net.Inet6Address ? "::" : "0.0.0.0", 0)
                    .multicastInterface(nif).multicastTtl(0).open()) {
                InetSocketAddress to = new InetSocketAddress(group, port);
                System.out.println("groups " + receivers.get(2).groups());
                for (int i = 0; i < count; i++) {
                    sender.send("m" + i).to(to).join();
                }
                for (int r = 0; r < 3; r++) {
                    System.out.println("r" + (r + 1) + " phase1 " + collect(receivers.get(r), count, WAIT));
                }
                receivers.get(2).leaveGroup(group);
                System.out.println("left " + receivers.get(2).groups());
                for (int i = count; i < 2 * count; i++) {
                    sender.send("m" + i).to(to).join();
                }
                for (int r = 0; r < 3; r++) {
                    System.out.println("r" + (r + 1) + " phase2 "
                            + collect(receivers.get(r), count, r == 2 ? AFTER_LEAVE : WAIT));
                }
                try {
                    sender.send("reliable").mode(DeliveryMode.RELIABLE).to(to);
                    System.out.println("reliable accepted");
                } catch (IllegalArgumentException e) {
                    System.out.println("reliable refused: " + e.getMessage());
                }
            }
        } finally {
            for (int r = 1; r < receivers.size(); r++) {
                receivers.get(r).close();
            }
        }
    }

    private static Endpoint<String> receiver(InetAddress group, String nif, DeliveryMode mode, int port) {
        EndpointBuilder<String> b = Udp.endpoint(Codecs.utf8()).mode(mode).joinGroup(group).multicastInterface(nif);
        return b.bind(group instanceof java.net.Inet6Address ? "::" : "0.0.0.0", port).open();
    }

    /** The numbers of the messages that arrive until {@code expected} did or the wait ran out. */
    private static String collect(Endpoint<String> receiver, int expected, Duration wait) {
        TreeSet<Integer> got = new TreeSet<>();
        long deadline = System.nanoTime() + wait.toNanos();
        while (got.size() < expected) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                break;
            }
            try {
                Message<String> m = receiver.receive(Duration.ofNanos(left));
                got.add(Integer.parseInt(m.payload().substring(1)));
            } catch (ReceiveTimeoutException e) {
                break;
            }
        }
        Optional<Message<String>> extra = receiver.poll();
        extra.ifPresent(m -> got.add(Integer.parseInt(m.payload().substring(1))));
        return got.isEmpty() ? "-" : String.join(",", got.stream().map(String::valueOf).toList());
    }
}
