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
     */
    public record FrrRoute(String prefix, String nextHop, List<Long> asPath, Long localPref, boolean valid) {
    }

    private final Path dir;
    private final SocketDir socketDir;
    private final Process process;
    private final NetNamespace namespace;

    private FrrDaemon(Path dir, SocketDir socketDir, Process process, NetNamespace namespace) {
        this.dir = dir;
        this.socketDir = socketDir;
        this.process = process;
        this.namespace = namespace;
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
            Process p = new ProcessBuilder(ns.exec(cmd)).redirectErrorStream(true)
                    .redirectOutput(dir.resolve("bgpd.log").toFile()).start();
            frr = new FrrDaemon(dir, socketDir, p, ns);
            FrrDaemon f = frr;
            boolean up = Commands.waitUntil(Duration.ofSeconds(15), p,
                    () -> f.vtyshAnswers() && Commands.listening(p.pid(), ns.peerAddress(), port));
            if (!up) {
                throw new IOException("bgpd did not come up:\n" + f.log());
            }
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
        return new FrrRoute(prefix, nextHop, List.copyOf(asPath), localPref, path.path("valid").asBoolean(false));
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
        return "bgpd in " + dir + ", " + namespace + ", alive=" + process.isAlive() + "\n" + summary
                + "\n--- bgpd.log (end) ---\n" + Commands.tail(dir.resolve("bgpd.log"), 40);
    }

    public String log() throws IOException {
        Path log = dir.resolve("bgpd.log");
        return Files.exists(log) ? Files.readString(log) : "";
    }

    /** Stops bgpd, removes the folder it leaves in /var/tmp/frr and its socket folder, then the namespace. */
    @Override
    public void close() throws IOException, InterruptedException {
        try {
            Commands.stop(process);
            SocketDir.deleteTree(BGPD_RUN_DIR.resolve("bgpd." + process.pid()));
            socketDir.close();
        } finally {
            namespace.close();
        }
    }
}
