package io.github.udpkit.testkit;

import static com.google.common.base.Preconditions.checkArgument;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * A private Linux network namespace for tests whose traffic must never leave the machine:
 * multicast, broadcast, discovery, programs that insist on a fixed port. Its only interfaces are
 * its own loopback, brought up with multicast on and routes for {@code 224.0.0.0/4} and
 * {@code 255.255.255.255}, and a veth pair {@code v0}/{@code v1} (addresses {@code 10.77.0.1/24}
 * and {@code fd77::1/64} on {@code v0}) for IPv6 multicast and subnet broadcast, which the
 * loopback does not carry. Nothing in it is routed anywhere else, and its ports are its own, so
 * a fixed port cannot collide with anything on the host.
 *
 * <p>The JVM's threads cannot enter a namespace, so what runs inside is a child process:
 * {@link #command} wraps any command in {@code nsenter}, {@link #java} runs a main class of the
 * test's own classpath. Creating one needs root ({@code unshare -n}); where that fails,
 * {@link #create} aborts the calling test with a JUnit assumption that says why, so the test
 * report shows it was not run rather than passed.
 *
 * <pre>{@code
 * try (NetworkNamespace ns = NetworkNamespace.create()) {
 *     Process p = ns.java(MulticastScenario.class, "239.255.0.1").start();
 *     ...
 * }
 * }</pre>
 *
 * @since 0.1.0
 */
public final class NetworkNamespace implements AutoCloseable {

    /** The namespace's address on {@code v0}, an IPv4 subnet of its own with broadcast {@code 10.77.0.255}. */
    public static final String V0_IPV4 = "10.77.0.1";
    /** The namespace's IPv6 address on {@code v0}. */
    public static final String V0_IPV6 = "fd77::1";
    /** How long creating the namespace may take. */
    private static final long SETUP_SECONDS = 20;

    private static final String SETUP = String.join(" && ",
            "ip link set lo up",
            "ip link set lo multicast on",
            "ip route add 224.0.0.0/4 dev lo",
            "ip route add 255.255.255.255/32 dev lo",
            "ip link add v0 type veth peer name v1",
            "sysctl -qw net.ipv6.conf.v0.accept_dad=0",
            "ip link set v0 up",
            "ip link set v1 up",
            "ip addr add " + V0_IPV4 + "/24 brd + dev v0",
            "ip -6 addr add " + V0_IPV6 + "/64 dev v0 nodad");

    private final Process holder;
    private final long pid;
    private final boolean mountNamespace;

    private NetworkNamespace(Process holder, boolean mountNamespace) {
        this.holder = holder;
        this.pid = holder.pid();
        this.mountNamespace = mountNamespace;
    }

    /**
     * Creates a namespace, or aborts the calling test (a JUnit assumption) where this machine
     * cannot: not Linux, not root, or no {@code unshare}/{@code nsenter}/{@code ip}.
     *
     * @return the namespace; close it to end it
     */
    public static NetworkNamespace create() {
        return create(Map.of());
    }

    /**
     * Creates a namespace whose {@code /etc/hosts} also maps the given names (in a mount
     * namespace of its own, so the host's file is untouched): for programs that name a host the
     * test cannot change, such as a tutorial's {@code 'hostname'}.
     *
     * @param hosts names to addresses, e.g. {@code Map.of("hostname", "127.0.0.1")}
     * @return the namespace
     */
    public static NetworkNamespace create(Map<String, String> hosts) {
        Objects.requireNonNull(hosts, "hosts");
        Assumptions.assumeTrue(System.getProperty("os.name", "").toLowerCase().contains("linux"),
                "network namespaces need Linux; the multicast/broadcast test is not run on " + System.getProperty("os.name"));
        String setup = SETUP;
        boolean mounts = !hosts.isEmpty();
        List<String> command = new ArrayList<>(List.of("unshare", "-n"));
        try {
            if (mounts) {
                StringBuilder file = new StringBuilder(Files.readString(Paths.get("/etc/hosts")));
                file.append('\n');
                hosts.forEach((name, address) -> {
                    checkArgument(name.matches("[A-Za-z0-9.-]+"), "not a host name: %s", name);
                    checkArgument(address.matches("[0-9A-Fa-f.:]+"), "not an address: %s", address);
                    file.append(address).append(' ').append(name).append('\n');
                });
                Path hostsFile = Files.createTempFile("udpkit-netns-hosts", ".txt");
                hostsFile.toFile().deleteOnExit();
                Files.writeString(hostsFile, file);
                command.add("-m");
                setup = "mount --bind " + hostsFile + " /etc/hosts && " + setup;
            }
            // The holder keeps the namespace alive until its standard input closes.
            command.addAll(List.of("sh", "-c", setup + " && echo ready && exec cat >/dev/null"));
            Process holder = new ProcessBuilder(command).redirectErrorStream(true).start();
            BufferedReader out = new BufferedReader(new InputStreamReader(holder.getInputStream(), StandardCharsets.UTF_8));
            CompletableFuture<String> first = CompletableFuture.supplyAsync(() -> {
                StringBuilder seen = new StringBuilder();
                try {
                    for (String line; (line = out.readLine()) != null; ) {
                        if (line.equals("ready")) {
                            return "ready";
                        }
                        seen.append(line).append(' ');
                    }
                } catch (IOException e) {
                    seen.append(e);
                }
                return seen.toString().trim();
            });
            String answer = first.get(SETUP_SECONDS, TimeUnit.SECONDS);
            if (!answer.equals("ready")) {
                holder.destroyForcibly();
                Assumptions.abort("cannot create a network namespace here (needs root and unshare, nsenter, ip, veth): "
                        + (answer.isEmpty() ? "exit " + holder.waitFor() : answer));
            }
            return new NetworkNamespace(holder, mounts);
        } catch (IOException e) {
            Assumptions.abort("cannot create a network namespace here (needs unshare, nsenter, ip): " + e.getMessage());
            throw new AssertionError(e); // not reached: abort throws
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted while creating a network namespace", e);
        } catch (Exception e) {
            throw new AssertionError("creating a network namespace failed", e);
        }
    }

    /**
     * A command to run inside the namespace.
     *
     * @param command the program and its arguments
     * @return a process builder; start it as usual
     */
    public ProcessBuilder command(String... command) {
        checkArgument(command.length > 0, "no command given");
        List<String> all = new ArrayList<>(List.of("nsenter", "-t", Long.toString(pid), "-n"));
        if (mountNamespace) {
            all.add("-m");
        }
        all.addAll(List.of(command));
        return new ProcessBuilder(all);
    }

    /**
     * A JVM inside the namespace running a main class of this JVM's classpath, with this JVM's
     * {@code java}.
     *
     * @param mainClass the class whose {@code main} runs
     * @param args its arguments
     * @return a process builder
     */
    public ProcessBuilder java(Class<?> mainClass, String... args) {
        return java(mainClass.getName(), args);
    }

    /**
     * A JVM inside the namespace running a main class by name; see {@link #java(Class, String...)}.
     *
     * @param mainClass the class's binary name
     * @param args its arguments
     * @return a process builder
     */
    public ProcessBuilder java(String mainClass, String... args) {
        List<String> command = new ArrayList<>(List.of(
                Paths.get(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:TieredStopAtLevel=1", "-Xshare:auto",
                "-cp", System.getProperty("java.class.path"), mainClass));
        command.addAll(List.of(args));
        return command(command.toArray(String[]::new));
    }

    /** Ends the namespace: its holder exits, and with its last process the namespace goes. */
    @Override
    public void close() {
        try (OutputStream in = holder.getOutputStream()) {
            in.flush();
        } catch (IOException e) {
            // already gone
        }
        try {
            if (!holder.waitFor(5, TimeUnit.SECONDS)) {
                holder.destroyForcibly();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            holder.destroyForcibly();
        }
    }
}
