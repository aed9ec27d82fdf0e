package dev.herald.it.peers;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * FRR's {@code bgpd} ({@code apt-get install frr}) alone, without zebra, as a receive-only BGP peer in a {@link
 * NetNamespace} of its own: FRR takes a next hop in 127.0.0.0/8 for martian (it answers NOTIFICATION 3/8 and resets
 * the session) and silently drops ::1, so Herald has to send from the documentation addresses of the veth pair.
 * Each instance has its own folder, config, vty socket (in a {@link SocketDir}), namespace and process; {@link
 * #close()} stops bgpd and removes the namespace. Needs root.
 */
public final class FrrDaemon implements AutoCloseable {
    private static final Path BGPD = Path.of("/usr/lib/frr/bgpd");
    private static final Path VTYSH = Path.of("/usr/bin/vtysh");
    /** bgpd leaves a folder here named after its pid, whatever the options say. */
    private static final Path BGPD_RUN_DIR = Path.of("/var/tmp/frr");
    private static final Duration VTYSH_TIMEOUT = Duration.ofSeconds(10);
    private static final JsonMapper JSON = JsonMapper.builder().build();

    /**
     * FRR's best path for a prefix.
     *
     * @param asPath the AS numbers of the path, in order
     * @param localPref LOCAL_PREF, or null when FRR shows none (eBGP)
     * @param valid whether FRR considers the path usable
     * @param stale whether FRR keeps the path only because the sender is restarting (graceful restart helper)
     */
    public record FrrRoute(String prefix, String nextHop, List<Long> asPath, Long localPref, boolean valid,
                           boolean stale) {
    }

    /**
     * A neighbour as {@code show bgp neighbors ADDRESS json} shows it.
     *
     * @param state {@code Established}, {@code Active}, ..., or "" when bgpd does not answer
     * @param established how many times this bgpd process established the session
     * @param acceptedPrefixes prefixes accepted from the neighbour, all families
     * @param lastReset why the session last went down, as FRR says it, with the NOTIFICATION's code in words when
     *     one was sent or received ("BGP Notification received: Cease/Other Configuration Change"); a session that
     *     comes back at once may overwrite it
     */
    public record Neighbor(String state, long established, long acceptedPrefixes, String lastReset) {
    }

    private final Path dir;
    private final SocketDir socketDir;
    private final NetNamespace namespace;
    private final List<String> command;
    private final int port;
    private volatile Process process;

    private FrrDaemon(Path dir, SocketDir socketDir, NetNamespace namespace, List<String> command, int port) {
        this.dir = dir;
        this.socketDir = socketDir;
        this.namespace = namespace;
        this.command = command;
        this.port = port;
    }

    public static boolean installed() {
        return Files.isExecutable(BGPD) && Files.isExecutable(VTYSH);
    }

    /**
     * Creates a namespace and starts bgpd in it, listening on the namespace's end of the veth pair at {@code port}
     * (IPv4 and IPv6); every peer is Herald, on the root namespace's end. Returns once vtysh answers and bgpd
     * listens.
     */
    public static FrrDaemon start(Path dir, int port, long asn, String routerId, List<NetNamespace.HostPeer> peers)
            throws IOException, InterruptedException {
        Files.createDirectories(dir);
        NetNamespace ns = NetNamespace.create();
        SocketDir socketDir = null;
        FrrDaemon frr = null;
        try {
            socketDir = SocketDir.create();
            Path config = dir.resolve("bgpd.conf");
            Files.writeString(config, config(ns, asn, routerId, peers));
            // -Z: no zebra; -S: stay root, no frr user or capabilities needed; -P 0: no TCP vty; --vty_socket: a
            // private short folder for vtysh's unix socket; -l: listen on these addresses only (also means -n,
            // leave the kernel's routes alone)
            List<String> cmd = List.of(BGPD.toString(), "-Z", "-S", "-f", config.toString(), "-i",
                    dir.resolve("bgpd.pid").toString(), "--vty_socket", socketDir.toString(), "-p",
                    Integer.toString(port), "-l", ns.peerAddress(), "-l", ns.peerAddress6(), "-P", "0");
            frr = new FrrDaemon(dir, socketDir, ns, ns.exec(cmd), port);
            frr.launch();
            return frr;
        } catch (IOException | InterruptedException | RuntimeException e) {
            if (frr != null) {
                frr.close();
            } else {
                if (socketDir != null) {
                    socketDir.close();
                }
                ns.close();
            }
            throw e;
        }
    }

    /** Starts bgpd (its log appended to) and waits until vtysh answers and it listens. */
    private void launch() throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("bgpd.log").toFile())).start();
        process = p;
        boolean up = Commands.waitUntil(Duration.ofSeconds(15), p,
                () -> vtyshAnswers() && Commands.listening(p.pid(), namespace.peerAddress(), port));
        if (!up) {
            throw new IOException("bgpd did not come up:\n" + log());
        }
    }

    /**
     * Stops bgpd (SIGTERM; SIGKILL after 5 s; nothing if it is already gone) and starts it again with the same
     * config, in the same namespace: a peer restart as its neighbours see it.
     */
    public void restart() throws IOException, InterruptedException {
        Process old = process;
        Commands.stop(old);
        dev.herald.it.Folders.deleteTree(BGPD_RUN_DIR.resolve("bgpd." + old.pid()));
        launch();
    }

    /** bgpd's process id (it runs in the namespace under its own pid: {@code ip netns exec} execs it). */
    public long pid() {
        return process.pid();
    }

    private static String config(NetNamespace ns, long asn, String routerId, List<NetNamespace.HostPeer> peers) {
        StringBuilder c = new StringBuilder();
        c.append("frr defaults traditional\n");
        c.append("hostname herald-test-frr\n");
        c.append("log stdout debugging\n");
        // what a failed test needs to see: session events and every UPDATE received, with the reason if rejected
        c.append("debug bgp neighbor-events\n");
        c.append("debug bgp updates in\n");
        c.append("!\n");
        c.append("router bgp ").append(asn).append("\n");
        c.append(" bgp router-id ").append(routerId).append("\n");
        // else FRR neither accepts nor sends eBGP routes without a route-map
        c.append(" no bgp ebgp-requires-policy\n");
        // each neighbour gets its own family only, activated below
        c.append(" no bgp default ipv4-unicast\n");
        for (NetNamespace.HostPeer p : peers) {
            String address = ns.hostAddress(p.ipv6());
            Loopback.checkNamespaceLink(address);
            c.append(" neighbor ").append(address).append(" remote-as ").append(p.asn()).append("\n");
            c.append(" neighbor ").append(address).append(" port ").append(p.port()).append("\n");
            c.append(" neighbor ").append(address).append(" timers connect 1\n");
        }
        for (String family : List.of("ipv4", "ipv6")) {
            c.append(" address-family ").append(family).append(" unicast\n");
            for (NetNamespace.HostPeer p : peers) {
                if (p.ipv6() == family.equals("ipv6")) {
                    c.append("  neighbor ").append(ns.hostAddress(p.ipv6())).append(" activate\n");
                }
            }
            c.append(" exit-address-family\n");
        }
        return c.toString();
    }

    /** The namespace bgpd runs in: Herald listens on its {@code hostAddress()}, bgpd on its {@code peerAddress()}. */
    public NetNamespace namespace() {
        return namespace;
    }

    private boolean vtyshAnswers() throws IOException, InterruptedException {
        return Commands.exec(VTYSH_TIMEOUT, vtyshCommand("show bgp summary json")).ok();
    }

    /**
     * vtysh reaches bgpd through the unix socket in our socket folder: a file, the same in every network namespace,
     * so vtysh runs here.
     */
    private List<String> vtyshCommand(String command) {
        return List.of(VTYSH.toString(), "--vty_socket", socketDir.toString(), "-c", command);
    }

    /** Runs a vtysh command against this bgpd; returns its output, throws if it fails. */
    public String vtysh(String command) throws IOException, InterruptedException {
        return Commands.run(VTYSH_TIMEOUT, vtyshCommand(command));
    }

    /**
     * Changes bgpd's running config: {@code lines} in configuration mode, one {@code -c} each, for example
     * {@code "router bgp 65000", "neighbor 192.0.2.1 shutdown"}.
     */
    public void configure(String... lines) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(VTYSH.toString(), "--vty_socket", socketDir.toString(), "-c",
                "configure terminal"));
        for (String line : lines) {
            cmd.add("-c");
            cmd.add(line);
        }
        Commands.run(VTYSH_TIMEOUT, cmd);
    }

    /** The neighbour's state and counters; a neighbour bgpd does not answer for reads as state "". */
    public Neighbor neighbor(String address) throws IOException, InterruptedException {
        Commands.Result r = Commands.exec(VTYSH_TIMEOUT, vtyshCommand("show bgp neighbors " + address + " json"));
        if (!r.ok()) {
            return new Neighbor("", 0, 0, "");
        }
        JsonNode n = JSON.readTree(r.output()).path(address);
        long accepted = 0;
        for (JsonNode family : n.path("addressFamilyInfo")) {
            accepted += family.path("acceptedPrefixCounter").asLong(0);
        }
        String reset = n.path("lastResetDueTo").asString("");
        String notification = n.path("lastNotificationReason").asString("");
        return new Neighbor(n.path("bgpState").asString(""), n.path("connectionsEstablished").asLong(0), accepted,
                notification.isEmpty() ? reset : reset + ": " + notification);
    }

    /** FRR's IPv4 and IPv6 unicast routes, by prefix. */
    public Map<String, FrrRoute> routes() throws IOException, InterruptedException {
        Map<String, FrrRoute> out = new LinkedHashMap<>(routes("ipv4"));
        out.putAll(routes("ipv6"));
        return out;
    }

    /**
     * The best path of every prefix of one family ({@code ipv4} or {@code ipv6}), from {@code show bgp FAMILY
     * unicast json}: {"routes": {PREFIX: [path, ...]}}, each path with "bestpath", "path" (the AS path as text),
     * "locPrf" and "nexthops".
     */
    public Map<String, FrrRoute> routes(String family) throws IOException, InterruptedException {
        JsonNode table = JSON.readTree(vtysh("show bgp " + family + " unicast json"));
        Map<String, FrrRoute> out = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> e : table.path("routes").properties()) {
            JsonNode best = null;
            for (JsonNode path : e.getValue()) {
                if (best == null || path.path("bestpath").asBoolean(false)) {
                    best = path;
                }
            }
            if (best != null) {
                out.put(e.getKey(), toRoute(e.getKey(), best));
            }
        }
        return out;
    }

    private static FrrRoute toRoute(String prefix, JsonNode path) {
        // an IPv6 path may list a global and a link-local next hop; the global one comes first
        String nextHop = null;
        for (JsonNode nh : path.path("nexthops")) {
            if (nextHop == null || nh.path("scope").asString("").equals("global")) {
                nextHop = nh.path("ip").asString(null);
            }
        }
        List<Long> asPath = new ArrayList<>();
        for (String as : path.path("path").asString("").trim().split("\\s+")) {
            if (!as.isEmpty()) {
                asPath.add(Long.parseLong(as));
            }
        }
        Long localPref = path.has("locPrf") ? path.path("locPrf").asLong() : null;
        return new FrrRoute(prefix, nextHop, List.copyOf(asPath), localPref, path.path("valid").asBoolean(false),
                path.path("stale").asBoolean(false));
    }

    /** The state FRR reports for a neighbour ({@code Established}, {@code Active}, ...), or "". */
    public String sessionState(String neighbor) throws IOException, InterruptedException {
        Commands.Result r = Commands.exec(VTYSH_TIMEOUT, vtyshCommand("show bgp neighbors " + neighbor + " json"));
        return r.ok() ? JSON.readTree(r.output()).path(neighbor).path("bgpState").asString("") : "";
    }

    /** Sessions and the end of the log: what a failed assertion should show. */
    public String diagnostics() {
        String summary;
        try {
            summary = Commands.exec(VTYSH_TIMEOUT, vtyshCommand("show bgp summary")).output();
        } catch (IOException e) {
            summary = "(vtysh failed: " + e.getMessage() + ")";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            summary = "(interrupted)";
        }
        Process p = process;
        return "bgpd in " + dir + ", " + namespace + ", alive=" + (p != null && p.isAlive()) + "\n" + summary
                + "\n--- bgpd.log (end) ---\n" + Commands.tail(dir.resolve("bgpd.log"), 40);
    }

    /** How far {@link #notificationsReceived} has read bgpd's log, and what it counted: "NEIGHBOR CODE" -> count. */
    private long logScanned;
    private final Map<String, Long> notifications = new java.util.HashMap<>();
    private static final String RECEIVED = "%NOTIFICATION: received from neighbor ";

    /**
     * NOTIFICATIONs bgpd processed from {@code neighbor} since it first started, by "code/subcode", as its log says
     * ({@code %NOTIFICATION: received from neighbor ADDRESS 6/6 (...)}). A connection that ended before bgpd got to
     * the NOTIFICATION on it counts none. Reads only what the log gained since the last call.
     */
    public synchronized Map<String, Long> notificationsReceived(String neighbor) throws IOException {
        Path file = dir.resolve("bgpd.log");
        try (var in = new java.io.BufferedInputStream(Files.newInputStream(file), 1 << 16)) {
            in.skipNBytes(logScanned);
            java.io.ByteArrayOutputStream line = new java.io.ByteArrayOutputStream();
            for (int b = in.read(); b >= 0; b = in.read()) {
                if (b != '\n') {
                    line.write(b);
                    continue;
                }
                logScanned += line.size() + 1; // whole lines only: one being written is read next time
                String text = line.toString(java.nio.charset.StandardCharsets.UTF_8);
                int at = text.indexOf(RECEIVED);
                if (at >= 0) {
                    String[] f = text.substring(at + RECEIVED.length()).split(" ");
                    if (f.length > 1) {
                        notifications.merge(f[0] + " " + f[1], 1L, Long::sum);
                    }
                }
                line.reset();
            }
        }
        Map<String, Long> out = new java.util.HashMap<>();
        notifications.forEach((k, n) -> {
            if (k.startsWith(neighbor + " ")) {
                out.put(k.substring(neighbor.length() + 1), n);
            }
        });
        return out;
    }

    public String log() throws IOException {
        Path log = dir.resolve("bgpd.log");
        return Files.exists(log) ? Files.readString(log) : "";
    }

    /** Stops bgpd, removes the folder it leaves in /var/tmp/frr and its socket folder, then the namespace. */
    @Override
    public void close() throws IOException, InterruptedException {
        try {
            Process p = process;
            if (p != null) { // null when bgpd could not even be started
                Commands.stop(p);
                dev.herald.it.Folders.deleteTree(BGPD_RUN_DIR.resolve("bgpd." + p.pid()));
            }
            socketDir.close();
        } finally {
            namespace.close();
        }
    }
}
