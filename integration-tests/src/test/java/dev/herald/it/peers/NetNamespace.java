package dev.herald.it.peers;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A private network namespace joined to this one by a veth pair with documentation addresses: {@code X.1/24} and
 * {@code 2001:db8::1/64} on this (the root) namespace's end, {@code X.2/24} and {@code 2001:db8::2/64} inside, where
 * X is the first of the RFC 5737 networks 192.0.2.0/24, 198.51.100.0/24, 203.0.113.0/24 that this machine does not
 * use (a virtual machine may well have its real interface in 192.0.2.0/24, gateway 192.0.2.1 included: adding that
 * address here would cut the machine off). Some daemons refuse next hops in 127.0.0.0/8 (FRR answers with a
 * NOTIFICATION, goBGP 3.10 treats the UPDATE as a withdrawal), so they run in here with {@code ip netns exec} while
 * Herald stays in the root namespace and sends from {@link #hostAddress()}, a next hop they accept.
 *
 * <p>Needs root and the {@code ip} command. One such namespace exists at a time on the machine: a file lock makes
 * a second one, in this JVM or another, wait until the first is closed (two could only coexist on different
 * networks). Names carry the JVM's pid and a counter; those whose JVM is gone are leftovers of a crashed run and
 * are removed, together with whatever still runs in them.
 */
public final class NetNamespace implements AutoCloseable {
    /** A neighbour of a daemon inside the namespace: Herald, on the root namespace's end of the pair. */
    public record HostPeer(boolean ipv6, int port, long asn) {
        public static HostPeer ipv4(int port, long asn) {
            return new HostPeer(false, port, asn);
        }

        public static HostPeer ipv6(int port, long asn) {
            return new HostPeer(true, port, asn);
        }
    }

    /** Candidate IPv4 networks, first free one wins (RFC 5737); each is written as its first three octets. */
    private static final List<String> IPV4_NETWORKS = List.of("192.0.2", "198.51.100", "203.0.113");
    /** The IPv6 network, 2001:db8::/64 (RFC 3849). */
    private static final String IPV6_NETWORK = "2001:db8::";

    private static final Path IP = Path.of("/usr/sbin/ip");
    private static final Duration IP_TIMEOUT = Duration.ofSeconds(10);
    private static final Duration LOCK_WAIT = Duration.ofMinutes(2);
    private static final Path LOCK_FILE = Path.of(System.getProperty("java.io.tmpdir"), "herald-test-netns.lock");
    private static final String NS_PREFIX = "herald-test-";
    private static final String LINK_PREFIX = "hrld";
    /** Our names: herald-test-PID-N for namespaces, hrldPIDnN for the root end (at most 15 characters). */
    private static final Pattern OUR_NAMESPACE = Pattern.compile(NS_PREFIX + "([0-9a-z]+)-[0-9]+");
    private static final Pattern OUR_LINK = Pattern.compile(LINK_PREFIX + "([0-9a-z]+)n[0-9]+");
    /** The namespace's end keeps this name: it is created inside the namespace, where nothing else has it. */
    private static final String INNER_LINK = "veth0";
    private static final AtomicInteger COUNTER = new AtomicInteger();

    private final String name;
    private final String hostLink;
    private final FileChannel lockChannel;
    private final FileLock lock;
    private String network;
    private boolean closed;

    private NetNamespace(String name, String hostLink, FileChannel lockChannel, FileLock lock) {
        this.name = name;
        this.hostLink = hostLink;
        this.lockChannel = lockChannel;
        this.lock = lock;
    }

    /** Creates the namespace and the veth pair, waiting (at most 2 min) for any other one to be closed first. */
    public static NetNamespace create() throws IOException, InterruptedException {
        FileChannel channel = FileChannel.open(LOCK_FILE, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        FileLock lock;
        try {
            lock = acquire(channel);
        } catch (IOException | InterruptedException | RuntimeException e) {
            channel.close();
            throw e;
        }
        int n = COUNTER.incrementAndGet();
        String pid = Long.toString(ProcessHandle.current().pid(), 36);
        NetNamespace ns = new NetNamespace(NS_PREFIX + pid + "-" + n, LINK_PREFIX + pid + "n" + n, channel, lock);
        try {
            removeLeftovers();
            ns.network = freeIpv4Network();
            if (!unused(IPV6_NETWORK + "/64", true)) {
                throw new IOException(IPV6_NETWORK + "/64 is in use on this machine: " + usage(IPV6_NETWORK + "/64",
                        true));
            }
            ns.setUp();
        } catch (IOException | InterruptedException | RuntimeException e) {
            ns.close();
            throw e;
        }
        return ns;
    }

    private static FileLock acquire(FileChannel channel) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + LOCK_WAIT.toNanos();
        while (true) {
            try {
                FileLock l = channel.tryLock();
                if (l != null) {
                    return l;
                }
            } catch (OverlappingFileLockException e) {
                // held by another NetNamespace of this JVM: wait for it like for another JVM's
            }
            if (System.nanoTime() > deadline) {
                throw new IOException("another test's network namespace (lock " + LOCK_FILE + ") was not closed "
                        + "within " + LOCK_WAIT);
            }
            Thread.sleep(200);
        }
    }

    private static String freeIpv4Network() throws IOException, InterruptedException {
        StringBuilder why = new StringBuilder();
        for (String net : IPV4_NETWORKS) {
            if (unused(net + ".0/24", false)) {
                return net;
            }
            why.append('\n').append(usage(net + ".0/24", false));
        }
        throw new IOException("every documentation network " + IPV4_NETWORKS + " is in use on this machine:" + why);
    }

    /** True if no address of this machine and no route of any table lies in {@code prefix}. */
    private static boolean unused(String prefix, boolean v6) throws IOException, InterruptedException {
        return usage(prefix, v6).isBlank();
    }

    private static String usage(String prefix, boolean v6) throws IOException, InterruptedException {
        String family = v6 ? "-6" : "-4";
        return ip(family, "-o", "addr", "show", "to", prefix) + ip(family, "-o", "route", "show", "table", "all",
                "root", prefix);
    }

    private void setUp() throws IOException, InterruptedException {
        ip("netns", "add", name);
        // the inner end is created in the namespace directly, so its name cannot clash with a link here
        ip("link", "add", hostLink, "type", "veth", "peer", "name", INNER_LINK, "netns", name);
        ip("addr", "add", hostAddress() + "/24", "dev", hostLink);
        // nodad: usable at once, no duplicate address detection to wait for before binding
        ip("-6", "addr", "add", hostAddress6() + "/64", "dev", hostLink, "nodad");
        ip("link", "set", hostLink, "up");
        ip("-n", name, "link", "set", "lo", "up"); // daemons bind their API / vty ports on loopback
        ip("-n", name, "addr", "add", peerAddress() + "/24", "dev", INNER_LINK);
        ip("-n", name, "-6", "addr", "add", peerAddress6() + "/64", "dev", INNER_LINK, "nodad");
        ip("-n", name, "link", "set", INNER_LINK, "up");
    }

    /**
     * Namespaces and links of ours that a crashed run left: the JVM named in them is gone. (The lock says no other
     * JVM uses them either, but only if it has the same java.io.tmpdir: the pid check does not rely on that.)
     */
    private static void removeLeftovers() throws IOException, InterruptedException {
        for (String ns : namespaces()) {
            if (leftover(OUR_NAMESPACE, ns)) {
                killProcessesIn(ns);
                Commands.exec(IP_TIMEOUT, List.of(IP.toString(), "netns", "del", ns));
            }
        }
        // lines read "7: hrld1abn1@if2: <BROADCAST,..."
        for (String line : ip("-o", "link", "show").split("\n")) {
            String[] f = line.split(":\\s+");
            if (f.length > 1) {
                String link = f[1].split("@")[0];
                if (leftover(OUR_LINK, link)) {
                    Commands.exec(IP_TIMEOUT, List.of(IP.toString(), "link", "del", link));
                }
            }
        }
    }

    private static boolean leftover(Pattern ours, String name) {
        Matcher m = ours.matcher(name);
        if (!m.matches()) {
            return false;
        }
        long pid = Long.parseLong(m.group(1), 36);
        return pid != ProcessHandle.current().pid()
                && !ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
    }

    /** Names from {@code ip netns list}, whose lines read "NAME" or "NAME (id: N)". */
    private static List<String> namespaces() throws IOException, InterruptedException {
        List<String> out = new ArrayList<>();
        for (String line : ip("netns", "list").split("\n")) {
            if (!line.isBlank()) {
                out.add(line.trim().split("\\s+")[0]);
            }
        }
        return out;
    }

    /** Daemons that outlived their fixture (only fixtures start processes in our namespaces). */
    private static void killProcessesIn(String ns) throws IOException, InterruptedException {
        Commands.Result pids = Commands.exec(IP_TIMEOUT, List.of(IP.toString(), "netns", "pids", ns));
        for (String pid : pids.output().split("\\s+")) {
            if (pid.matches("\\d+")) {
                ProcessHandle.of(Long.parseLong(pid)).ifPresent(ProcessHandle::destroyForcibly);
            }
        }
    }

    private static String ip(String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(IP.toString()));
        cmd.addAll(List.of(args));
        return Commands.run(IP_TIMEOUT, cmd);
    }

    public String name() {
        return name;
    }

    /** This (the root) namespace's IPv4 address on the pair: Herald listens and sends from here. */
    public String hostAddress() {
        return network + ".1";
    }

    public String hostAddress6() {
        return IPV6_NETWORK + "1";
    }

    /** The namespace's IPv4 address on the pair: the daemon inside listens here. */
    public String peerAddress() {
        return network + ".2";
    }

    public String peerAddress6() {
        return IPV6_NETWORK + "2";
    }

    /**
     * Adds {@code count} more IPv4 addresses of the pair's network to the root end (.101 upwards, at most 150), for
     * a daemon with many sessions toward the root namespace; they go with the link on {@link #close()}.
     */
    public List<String> addHostAddresses(int count) throws IOException, InterruptedException {
        if (count < 1 || count > 150) {
            throw new IllegalArgumentException("1-150 extra addresses, not " + count);
        }
        List<String> out = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            String address = network + "." + (101 + i);
            ip("addr", "add", address + "/24", "dev", hostLink);
            out.add(address);
        }
        return out;
    }

    /** The root end's address of the family. */
    public String hostAddress(boolean ipv6) {
        return ipv6 ? hostAddress6() : hostAddress();
    }

    /** {@code command} prefixed to run inside the namespace ({@code ip netns exec} execs it, keeping the pid). */
    public List<String> exec(List<String> command) {
        List<String> cmd = new ArrayList<>(List.of(IP.toString(), "netns", "exec", name));
        cmd.addAll(command);
        return cmd;
    }

    /**
     * Removes namespace and veth pair, ending anything still running inside; then lets the next one be created.
     * Calling it again does nothing.
     */
    @Override
    public synchronized void close() throws IOException, InterruptedException {
        if (closed) {
            return;
        }
        closed = true;
        try {
            if (namespaces().contains(name)) {
                killProcessesIn(name);
                Commands.exec(IP_TIMEOUT, List.of(IP.toString(), "netns", "del", name));
            }
            // gone with the namespace unless a process kept the namespace alive; then this removes the pair
            Commands.exec(IP_TIMEOUT, List.of(IP.toString(), "link", "del", hostLink));
        } finally {
            lock.release();
            lockChannel.close();
        }
    }

    @Override
    public String toString() {
        return "namespace " + name + " (" + hostLink + " " + hostAddress() + ", " + hostAddress6() + " <-> "
                + INNER_LINK + " " + peerAddress() + ", " + peerAddress6() + ")";
    }
}
