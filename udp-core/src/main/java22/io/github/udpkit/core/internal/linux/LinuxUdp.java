package io.github.udpkit.core.internal.linux;

import static java.lang.foreign.MemoryLayout.PathElement.groupElement;
import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.ByteOrder;
import java.util.Locale;

/**
 * The Linux system calls and structures udpkit's batched UDP transport uses, bound through the
 * FFM API (JDK 22+): {@code recvmmsg}, {@code sendmmsg}, {@code sendto}, {@code poll},
 * {@code eventfd} and the socket calls, each capturing {@code errno}. Public so that udp-benchkit
 * measures the same code the transport runs, but in a package the module does not export: not API.
 *
 * <p>The structures are laid out once for LP64 Linux, where x86-64 and aarch64 agree on every
 * one used here ({@code iovec}, {@code msghdr}, {@code mmsghdr}, {@code cmsghdr},
 * {@code sockaddr_in}, {@code sockaddr_in6}, {@code pollfd}), as they do on the constants; other
 * architectures are refused by {@link #unavailableReason()}.
 */
public final class LinuxUdp {

    public static final int AF_INET = 2;
    public static final int AF_INET6 = 10;
    public static final int SOCK_DGRAM = 2;
    public static final int SOCK_NONBLOCK = 0x800;
    public static final int SOCK_CLOEXEC = 0x80000;
    public static final int SOL_SOCKET = 1;
    public static final int SO_REUSEADDR = 2;
    public static final int SO_BROADCAST = 6;
    public static final int SO_SNDBUF = 7;
    public static final int SO_RCVBUF = 8;
    public static final int IPPROTO_IPV6 = 41;
    public static final int IPV6_V6ONLY = 26;
    public static final int SOL_UDP = 17;
    public static final int UDP_SEGMENT = 103;
    public static final int UDP_GRO = 104;
    public static final int MSG_DONTWAIT = 0x40;
    public static final int MSG_TRUNC = 0x20;
    public static final short POLLIN = 1;
    public static final int EFD_NONBLOCK = 0x800;
    public static final int EFD_CLOEXEC = 0x80000;
    public static final int EINTR = 4;
    public static final int EIO = 5;
    public static final int EBADF = 9;
    public static final int EAGAIN = 11;
    public static final int EINVAL = 22;
    public static final int EMSGSIZE = 90;
    public static final int EAFNOSUPPORT = 97;
    /** The most segments one GSO send may carry (the kernel's UDP_MAX_SEGMENTS, 64 before Linux 6.7). */
    public static final int MAX_GSO_SEGMENTS = 64;
    /** The most payload one datagram, or one GSO super-datagram, carries. */
    public static final int MAX_PAYLOAD = 65_507;

    public static final StructLayout IOVEC = MemoryLayout.structLayout(
            ADDRESS.withName("iov_base"), JAVA_LONG.withName("iov_len"));
    public static final StructLayout MSGHDR = MemoryLayout.structLayout(
            ADDRESS.withName("msg_name"), JAVA_INT.withName("msg_namelen"), MemoryLayout.paddingLayout(4),
            ADDRESS.withName("msg_iov"), JAVA_LONG.withName("msg_iovlen"),
            ADDRESS.withName("msg_control"), JAVA_LONG.withName("msg_controllen"),
            JAVA_INT.withName("msg_flags"), MemoryLayout.paddingLayout(4));
    public static final StructLayout MMSGHDR = MemoryLayout.structLayout(
            MSGHDR.withName("msg_hdr"), JAVA_INT.withName("msg_len"), MemoryLayout.paddingLayout(4));
    public static final StructLayout CMSGHDR = MemoryLayout.structLayout(
            JAVA_LONG.withName("cmsg_len"), JAVA_INT.withName("cmsg_level"), JAVA_INT.withName("cmsg_type"));
    public static final StructLayout POLLFD = MemoryLayout.structLayout(
            JAVA_INT.withName("fd"), JAVA_SHORT.withName("events"), JAVA_SHORT.withName("revents"));

    public static final long IOV_BASE = IOVEC.byteOffset(groupElement("iov_base"));
    public static final long IOV_LEN = IOVEC.byteOffset(groupElement("iov_len"));
    public static final long MSG_NAME = MSGHDR.byteOffset(groupElement("msg_name"));
    public static final long MSG_NAMELEN = MSGHDR.byteOffset(groupElement("msg_namelen"));
    public static final long MSG_IOV = MSGHDR.byteOffset(groupElement("msg_iov"));
    public static final long MSG_IOVLEN = MSGHDR.byteOffset(groupElement("msg_iovlen"));
    public static final long MSG_CONTROL = MSGHDR.byteOffset(groupElement("msg_control"));
    public static final long MSG_CONTROLLEN = MSGHDR.byteOffset(groupElement("msg_controllen"));
    public static final long MSG_FLAGS = MSGHDR.byteOffset(groupElement("msg_flags"));
    public static final long MMSG_LEN = MMSGHDR.byteOffset(groupElement("msg_len"));
    public static final long CMSG_LEN = CMSGHDR.byteOffset(groupElement("cmsg_len"));
    public static final long CMSG_LEVEL = CMSGHDR.byteOffset(groupElement("cmsg_level"));
    public static final long CMSG_TYPE = CMSGHDR.byteOffset(groupElement("cmsg_type"));
    /** CMSG_DATA: the header rounded up to the alignment of size_t. */
    public static final long CMSG_DATA = CMSGHDR.byteSize();
    /** CMSG_SPACE(sizeof(uint16_t)), the room a UDP_SEGMENT control message takes. */
    public static final long CMSG_SPACE_U16 = align8(CMSG_DATA + 2);
    /** Room for a sockaddr_in6, the larger of the two address structures. */
    public static final int SOCKADDR_SIZE = 32;
    public static final int SOCKADDR_IN_LEN = 16;
    public static final int SOCKADDR_IN6_LEN = 28;

    private static final ValueLayout.OfShort U16_BE = JAVA_SHORT.withOrder(ByteOrder.BIG_ENDIAN);
    private static final String UNAVAILABLE;
    private static final Linker LINKER = Linker.nativeLinker();
    private static final StructLayout CAPTURE = Linker.Option.captureStateLayout();
    private static final long ERRNO = CAPTURE.byteOffset(groupElement("errno"));
    private static final MethodHandle SOCKET;
    private static final MethodHandle BIND;
    private static final MethodHandle SETSOCKOPT;
    private static final MethodHandle GETSOCKNAME;
    private static final MethodHandle RECVMMSG;
    private static final MethodHandle SENDMMSG;
    private static final MethodHandle SENDTO;
    private static final MethodHandle POLL;
    private static final MethodHandle EVENTFD;
    private static final MethodHandle READ;
    private static final MethodHandle WRITE;
    private static final MethodHandle CLOSE;
    private static final MethodHandle STRERROR;
    /** Each calling thread's errno capture; a thread's own, because the state is written per call. */
    private static final ThreadLocal<MemorySegment> CALL_STATE =
            ThreadLocal.withInitial(() -> Arena.ofAuto().allocate(CAPTURE));

    static {
        String reason = platformReason();
        MethodHandle[] handles = new MethodHandle[13];
        if (reason == null) {
            try {
                SymbolLookup libc = LINKER.defaultLookup();
                Linker.Option errno = Linker.Option.captureCallState("errno");
                handles[0] = bind(libc, "socket", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT), errno);
                handles[1] = bind(libc, "bind", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT), errno);
                handles[2] = bind(libc, "setsockopt",
                        FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT), errno);
                handles[3] = bind(libc, "getsockname", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, ADDRESS), errno);
                handles[4] = bind(libc, "recvmmsg",
                        FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT, ADDRESS), errno);
                handles[5] = bind(libc, "sendmmsg", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT), errno);
                handles[6] = bind(libc, "sendto",
                        FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT, ADDRESS, JAVA_INT), errno);
                handles[7] = bind(libc, "poll", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT), errno);
                handles[8] = bind(libc, "eventfd", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT), errno);
                handles[9] = bind(libc, "read", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG), errno);
                handles[10] = bind(libc, "write", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG), errno);
                handles[11] = bind(libc, "close", FunctionDescriptor.of(JAVA_INT, JAVA_INT), errno);
                handles[12] = LINKER.downcallHandle(libc.find("strerror").orElseThrow(),
                        FunctionDescriptor.of(ADDRESS, JAVA_INT));
            } catch (RuntimeException | LinkageError e) {
                reason = "the C library's socket calls cannot be bound: " + e;
            }
        }
        UNAVAILABLE = reason;
        SOCKET = handles[0];
        BIND = handles[1];
        SETSOCKOPT = handles[2];
        GETSOCKNAME = handles[3];
        RECVMMSG = handles[4];
        SENDMMSG = handles[5];
        SENDTO = handles[6];
        POLL = handles[7];
        EVENTFD = handles[8];
        READ = handles[9];
        WRITE = handles[10];
        CLOSE = handles[11];
        STRERROR = handles[12];
    }

    private LinuxUdp() {
    }

    /**
     * Why the batched transport cannot run here, or {@code null} when it can: Linux on x86-64 or
     * aarch64, with native access enabled for udpkit's module (on the class path,
     * {@code --enable-native-access=ALL-UNNAMED} or the jar manifest's {@code Enable-Native-Access}).
     *
     * @return the reason, or null
     */
    public static String unavailableReason() {
        return UNAVAILABLE;
    }

    private static String platformReason() {
        String os = System.getProperty("os.name", "");
        String arch = System.getProperty("os.arch", "").toLowerCase(Locale.ROOT);
        if (!os.equals("Linux")) {
            return "not Linux: " + os;
        }
        if (!arch.equals("amd64") && !arch.equals("x86_64") && !arch.equals("aarch64")) {
            return "not x86-64 or aarch64: " + arch;
        }
        if (!LinuxUdp.class.getModule().isNativeAccessEnabled()) {
            return "native access is not enabled for " + LinuxUdp.class.getModule()
                    + " (add --enable-native-access=" + moduleName() + " to the java command)";
        }
        return null;
    }

    private static String moduleName() {
        Module module = LinuxUdp.class.getModule();
        return module.isNamed() ? module.getName() : "ALL-UNNAMED";
    }

    private static MethodHandle bind(SymbolLookup libc, String name, FunctionDescriptor descriptor, Linker.Option errno) {
        MemorySegment symbol = libc.find(name).orElseThrow(() -> new UnsatisfiedLinkError("no symbol " + name));
        return LINKER.downcallHandle(symbol, descriptor, errno);
    }

    private static MemorySegment state() {
        return CALL_STATE.get();
    }

    /** The errno of the calling thread's last failed call through this class. */
    public static int errno() {
        return state().get(JAVA_INT, ERRNO);
    }

    /**
     * An IOException that names the call and says what errno means.
     *
     * @param call the system call that failed
     * @param errno its errno
     * @return the exception, to throw
     */
    public static IOException error(String call, int errno) {
        String text;
        try {
            MemorySegment message = (MemorySegment) STRERROR.invokeExact(errno);
            text = message.reinterpret(256).getString(0);
        } catch (Throwable e) {
            text = "error";
        }
        return new IOException(call + " failed: " + text + " (errno " + errno + ")");
    }

    private static AssertionError unexpected(Throwable e) {
        return new AssertionError("a downcall threw", e);
    }

    /** socket(2); returns the descriptor or -1, errno in {@link #errno()}. */
    public static int socket(int family, int type, int protocol) {
        try {
            return (int) SOCKET.invokeExact(state(), family, type, protocol);
        } catch (Throwable e) {
            throw unexpected(e);
        }
    }

    /** bind(2). */
    public static int bind(int fd, MemorySegment address, int length) {
        try {
            return (int) BIND.invokeExact(state(), fd, address, length);
        } catch (Throwable e) {
            throw unexpected(e);
        }
    }

    /**
     * setsockopt(2) with an int value, throwing on failure.
     *
     * @throws IOException with errno's text
     */
    public static void setIntOption(int fd, int level, int option, int value, String name) throws IOException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment v = arena.allocateFrom(JAVA_INT, value);
            int r = (int) SETSOCKOPT.invokeExact(state(), fd, level, option, v, 4);
            if (r < 0) {
                throw error("setsockopt(" + name + ")", errno());
            }
        } catch (IOException e) {
            throw e;
        } catch (Throwable e) {
            throw unexpected(e);
        }
    }

    /** getsockname(2) into {@code address} (room for {@link #SOCKADDR_SIZE}), throwing on failure. */
    public static InetSocketAddress localAddress(int fd) throws IOException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment address = arena.allocate(SOCKADDR_SIZE, 8);
            MemorySegment length = arena.allocateFrom(JAVA_INT, SOCKADDR_SIZE);
            int r = (int) GETSOCKNAME.invokeExact(state(), fd, address, length);
            if (r < 0) {
                throw error("getsockname", errno());
            }
            return decode(address);
        } catch (IOException e) {
            throw e;
        } catch (Throwable e) {
            throw unexpected(e);
        }
    }

    /** recvmmsg(2) without a timeout; returns the count or -1. */
    public static int recvmmsg(int fd, MemorySegment vector, int count, int flags) {
        try {
            return (int) RECVMMSG.invokeExact(state(), fd, vector, count, flags, MemorySegment.NULL);
        } catch (Throwable e) {
            throw unexpected(e);
        }
    }

    /** sendmmsg(2); returns the count sent or -1. */
    public static int sendmmsg(int fd, MemorySegment vector, int count, int flags) {
        try {
            return (int) SENDMMSG.invokeExact(state(), fd, vector, count, flags);
        } catch (Throwable e) {
            throw unexpected(e);
        }
    }

    /** sendto(2); returns the bytes sent or -1. */
    public static long sendto(int fd, MemorySegment data, long length, int flags, MemorySegment address, int addressLength) {
        try {
            return (long) SENDTO.invokeExact(state(), fd, data, length, flags, address, addressLength);
        } catch (Throwable e) {
            throw unexpected(e);
        }
    }

    /** poll(2); returns the ready count or -1. */
    public static int poll(MemorySegment fds, long count, int timeoutMillis) {
        try {
            return (int) POLL.invokeExact(state(), fds, count, timeoutMillis);
        } catch (Throwable e) {
            throw unexpected(e);
        }
    }

    /** eventfd(2); returns the descriptor or -1. */
    public static int eventfd(int initial, int flags) {
        try {
            return (int) EVENTFD.invokeExact(state(), initial, flags);
        } catch (Throwable e) {
            throw unexpected(e);
        }
    }

    /** read(2). */
    public static long read(int fd, MemorySegment buffer, long length) {
        try {
            return (long) READ.invokeExact(state(), fd, buffer, length);
        } catch (Throwable e) {
            throw unexpected(e);
        }
    }

    /** write(2). */
    public static long write(int fd, MemorySegment buffer, long length) {
        try {
            return (long) WRITE.invokeExact(state(), fd, buffer, length);
        } catch (Throwable e) {
            throw unexpected(e);
        }
    }

    /** close(2). */
    public static int close(int fd) {
        try {
            return (int) CLOSE.invokeExact(state(), fd);
        } catch (Throwable e) {
            throw unexpected(e);
        }
    }

    /**
     * Writes {@code address} as a sockaddr of the socket's family (an IPv4 address on an IPv6
     * socket as ::ffff:a.b.c.d, as the JDK does).
     *
     * @return the structure's length
     */
    public static int encode(InetSocketAddress address, int family, MemorySegment into) {
        InetAddress ip = address.getAddress();
        byte[] bytes = ip.getAddress();
        into.fill((byte) 0);
        if (family == AF_INET) {
            if (bytes.length != 4) {
                throw new IllegalArgumentException("an IPv4 socket cannot send to " + address);
            }
            into.set(JAVA_SHORT, 0, (short) AF_INET);
            into.set(U16_BE, 2, (short) address.getPort());
            MemorySegment.copy(MemorySegment.ofArray(bytes), 0, into, 4, 4);
            return SOCKADDR_IN_LEN;
        }
        into.set(JAVA_SHORT, 0, (short) AF_INET6);
        into.set(U16_BE, 2, (short) address.getPort());
        if (bytes.length == 4) {
            into.set(JAVA_SHORT, 18, (short) -1); // ::ffff:0:0/96
            MemorySegment.copy(MemorySegment.ofArray(bytes), 0, into, 20, 4);
        } else {
            MemorySegment.copy(MemorySegment.ofArray(bytes), 0, into, 8, 16);
            into.set(JAVA_INT, 24, ((Inet6Address) ip).getScopeId());
        }
        return SOCKADDR_IN6_LEN;
    }

    /** Reads a sockaddr_in or sockaddr_in6; an IPv4-mapped IPv6 address becomes IPv4, as in the JDK. */
    public static InetSocketAddress decode(MemorySegment address) throws UnknownHostException {
        int family = address.get(JAVA_SHORT, 0);
        int port = Short.toUnsignedInt(address.get(U16_BE, 2));
        if (family == AF_INET) {
            byte[] ip = address.asSlice(4, 4).toArray(ValueLayout.JAVA_BYTE);
            return new InetSocketAddress(InetAddress.getByAddress(ip), port);
        }
        byte[] ip = address.asSlice(8, 16).toArray(ValueLayout.JAVA_BYTE);
        if (isMapped(address)) {
            return new InetSocketAddress(Inet4Address.getByAddress(java.util.Arrays.copyOfRange(ip, 12, 16)), port);
        }
        int scope = address.get(JAVA_INT, 24);
        return new InetSocketAddress(Inet6Address.getByAddress(null, ip, scope), port);
    }

    /** Whether a sockaddr_in6 holds an IPv4-mapped address. */
    public static boolean isMapped(MemorySegment address) {
        return address.get(JAVA_LONG, 8) == 0 && address.get(JAVA_SHORT, 16) == 0 && address.get(JAVA_SHORT, 18) == -1;
    }

    private static long align8(long n) {
        return (n + 7) & ~7L;
    }
}
