package dev.herald.it.peers;

import dev.herald.support.gobgp.GobgpdBinary;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A real goBGP daemon ({@code apt-get install gobgpd}) started as a BGP peer, on loopback or in a {@link NetNamespace}
 * of its own. Each instance has its own folder, TOML config, gRPC API port (on 127.0.0.1, queried with the {@code
 * gobgp} CLI) and process; {@link #close()} stops it. Only 127.0.0.0/8 and ::1 are accepted on loopback, only the
 * namespace's veth addresses in a namespace.
 */
public final class GobgpDaemon implements AutoCloseable {
    private static final Path GOBGPD = GobgpdBinary.find().orElse(Path.of("/usr/bin/gobgpd"));
    private static final Path GOBGP = Path.of("/usr/bin/gobgp");
    private static final Duration CLI_TIMEOUT = Duration.ofSeconds(10);
    private static final JsonMapper JSON = JsonMapper.builder().build();
    /** goBGP's session states by number, as its JSON output gives them (the API's SessionState enum). */
    private static final List<String> SESSION_STATES = List.of("unknown", "idle", "connect", "active", "opensent",
            "openconfirm", "established");

    /** One neighbour of goBGP's: Herald, usually. Only its own address family is configured. */
    public record Neighbor(String address, int port, long asn) {
        public static Neighbor of(String address, int port, long asn) {
            return new Neighbor(address, port, asn);
        }
    }

    /**
     * goBGP's best path for a prefix.
     *
     * @param asPath the AS numbers of every segment, in order
     * @param localPref LOCAL_PREF, or null when the path has none (eBGP)
     */
    public record GobgpRoute(String prefix, String nextHop, List<Long> asPath, Long localPref, boolean stale) {
    }

    private final Path dir;
    private final Process process;
    private final int apiPort;
    private final NetNamespace namespace;

    private GobgpDaemon(Path dir, Process process, int apiPort, NetNamespace namespace) {
        this.dir = dir;
        this.process = process;
        this.apiPort = apiPort;
        this.namespace = namespace;
    }

    public static boolean installed() {
        return Files.isExecutable(GOBGPD) && Files.isExecutable(GOBGP);
    }

    /**
     * Starts gobgpd on loopback, listening on {@code localAddress:port} and {@code localAddress6:port}, with its
     * gRPC API on 127.0.0.1 at a free port. Returns once the API answers with the configured AS and the BGP port is
     * bound.
     *
     * <p>goBGP 3.10 treats an UPDATE whose IPv4 NEXT_HOP is in 127.0.0.0/8 as a withdrawal ("invalid nexthop
     * address"), so on loopback only IPv6 routes (next hop ::1) arrive; use {@link #startInNamespace} for IPv4.
     */
    public static GobgpDaemon start(Path dir, String localAddress, String localAddress6, int port, long asn,
                                    String routerId, List<Neighbor> neighbors)
            throws IOException, InterruptedException {
        Loopback.check(localAddress);
        Loopback.check(localAddress6);
        return start(dir, null, localAddress, localAddress6, port, asn, routerId, neighbors, "debug");
    }

    /** As {@link #start}, logging only warnings: for benchmarks, where logging every UPDATE would skew the time. */
    public static GobgpDaemon startQuiet(Path dir, String localAddress, String localAddress6, int port, long asn,
                                         String routerId, List<Neighbor> neighbors)
            throws IOException, InterruptedException {
        Loopback.check(localAddress);
        Loopback.check(localAddress6);
        return start(dir, null, localAddress, localAddress6, port, asn, routerId, neighbors, "warn");
    }

    /**
     * Starts gobgpd in a {@link NetNamespace} of its own (removed by {@link #close()}), listening on the namespace's
     * end of the veth pair; its neighbours are on the root namespace's end. Needs root.
     */
    public static GobgpDaemon startInNamespace(Path dir, int port, long asn, String routerId,
                                               List<NetNamespace.HostPeer> peers)
            throws IOException, InterruptedException {
        NetNamespace ns = NetNamespace.create();
        try {
            List<Neighbor> neighbors = new ArrayList<>();
            for (NetNamespace.HostPeer p : peers) {
                neighbors.add(new Neighbor(ns.hostAddress(p.ipv6()), p.port(), p.asn()));
            }
            return start(dir, ns, ns.peerAddress(), ns.peerAddress6(), port, asn, routerId, neighbors, "debug");
        } catch (IOException | InterruptedException | RuntimeException e) {
            ns.close();
            throw e;
        }
    }

    private static GobgpDaemon start(Path dir, NetNamespace ns, String localAddress, String localAddress6, int port,
                                     long asn, String routerId, List<Neighbor> neighbors, String logLevel)
            throws IOException, InterruptedException {
        for (Neighbor n : neighbors) {
            if (ns == null) {
                Loopback.check(n.address());
            } else {
                Loopback.checkNamespaceLink(n.address());
            }
        }
        Files.createDirectories(dir);
        StringBuilder conf = new StringBuilder();
        conf.append("[global.config]\n");
        conf.append("  as = ").append(asn).append("\n");
        conf.append("  router-id = \"").append(routerId).append("\"\n");
        conf.append("  port = ").append(port).append("\n");
        // without a list gobgpd listens on every address, and would take the port from other daemons on loopback
        conf.append("  local-address-list = [\"").append(localAddress).append("\", \"").append(localAddress6)
                .append("\"]\n");
        for (Neighbor n : neighbors) {
            boolean v6 = n.address().contains(":");
            conf.append("\n[[neighbors]]\n");
            conf.append("  [neighbors.config]\n");
            conf.append("    neighbor-address = \"").append(n.address()).append("\"\n");
            conf.append("    peer-as = ").append(n.asn()).append("\n");
            conf.append("  [neighbors.transport.config]\n");
            conf.append("    local-address = \"").append(v6 ? localAddress6 : localAddress).append("\"\n");
            conf.append("    remote-port = ").append(n.port()).append("\n");
            conf.append("  [neighbors.timers.config]\n");
            conf.append("    connect-retry = 1\n    hold-time = 30\n    keepalive-interval = 10\n");
            conf.append("  [[neighbors.afi-safis]]\n");
            conf.append("    [neighbors.afi-safis.config]\n");
            conf.append("      afi-safi-name = \"").append(v6 ? "ipv6-unicast" : "ipv4-unicast").append("\"\n");
        }
        Path config = dir.resolve("gobgpd.toml");
        Files.writeString(config, conf.toString());
        int apiPort = Daemons.freePort();
        // --pprof-disable: otherwise every instance binds localhost:6060; -p: plain-text log lines; debug logs
        // every UPDATE received, which is what a failed test needs to see
        List<String> cmd = List.of(GOBGPD.toString(), "-f", config.toString(), "--api-hosts", "127.0.0.1:" + apiPort,
                "--pprof-disable", "-p", "-l", logLevel);
        Process p = new ProcessBuilder(ns == null ? cmd : ns.exec(cmd)).redirectErrorStream(true)
                .redirectOutput(dir.resolve("gobgpd.log").toFile()).start();
        GobgpDaemon gobgp = new GobgpDaemon(dir, p, apiPort, ns);
        // before the config is applied the API answers with AS 0 and gobgpd does not listen yet
        boolean up = Commands.waitUntil(Duration.ofSeconds(15), p,
                () -> gobgp.globalAsn() == asn && Commands.listening(p.pid(), localAddress, port));
        if (!up) {
            String log = gobgp.log();
            gobgp.close();
            throw new IOException("gobgpd did not come up:\n" + log);
        }
        return gobgp;
    }

    /** The AS gobgpd runs with, 0 before its config is applied or when the API does not answer yet. */
    private long globalAsn() throws IOException, InterruptedException {
        Commands.Result r = Commands.exec(CLI_TIMEOUT, cli("global", "-j"));
        if (!r.ok()) {
            return 0;
        }
        // {"asn":65000,"router_id":"10.255.0.2","listen_port":1790,"listen_addresses":[...]}
        return JSON.readTree(r.output()).path("asn").asLong(0);
    }

    /** The daemon's process id, for CPU and memory readings in /proc. */
    public long pid() {
        return process.pid();
    }

    /** The most resident memory the daemon has used (VmHWM), in bytes. */
    public long peakRssBytes() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/" + process.pid() + "/status"))) {
            if (line.startsWith("VmHWM:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
            }
        }
        return -1;
    }

    /** The namespace gobgpd runs in, or null when it runs on loopback. */
    public NetNamespace namespace() {
        return namespace;
    }

    /** A gobgp CLI command line; in the daemon's namespace, as the API listens on that namespace's loopback. */
    private List<String> cli(String... args) {
        List<String> cmd = new ArrayList<>(List.of(GOBGP.toString(), "-u", "127.0.0.1", "-p",
                Integer.toString(apiPort)));
        cmd.addAll(List.of(args));
        return namespace == null ? cmd : namespace.exec(cmd);
    }

    /** Runs a long {@code gobgp} CLI command (an MRT injection) with a limit of 10 minutes. */
    public String gobgpLong(String... args) throws IOException, InterruptedException {
        return Commands.run(Duration.ofMinutes(10), cli(args));
    }

    /** Runs a {@code gobgp} CLI command against this daemon; returns its output, throws if it fails. */
    public String gobgp(String... args) throws IOException, InterruptedException {
        return Commands.run(CLI_TIMEOUT, cli(args));
    }

    /** goBGP's IPv4 and IPv6 unicast routes, by prefix. */
    public Map<String, GobgpRoute> routes() throws IOException, InterruptedException {
        Map<String, GobgpRoute> out = new LinkedHashMap<>(routes("ipv4"));
        out.putAll(routes("ipv6"));
        return out;
    }

    /**
     * The best path of every prefix of one family ({@code ipv4} or {@code ipv6}), from {@code gobgp global rib -a
     * FAMILY -j}: a JSON object from prefix to its paths, each with a list of attributes by type code.
     */
    public Map<String, GobgpRoute> routes(String family) throws IOException, InterruptedException {
        String text = gobgp("global", "rib", "-a", family, "-j").trim();
        Map<String, GobgpRoute> out = new LinkedHashMap<>();
        if (text.isEmpty() || text.equals("null")) {
            return out;
        }
        for (Map.Entry<String, JsonNode> e : JSON.readTree(text).properties()) {
            JsonNode best = null;
            for (JsonNode path : e.getValue()) {
                if (best == null || path.path("best").asBoolean(false)) {
                    best = path;
                }
            }
            if (best != null) {
                out.put(e.getKey(), toRoute(e.getKey(), best));
            }
        }
        return out;
    }

    private static GobgpRoute toRoute(String prefix, JsonNode path) {
        String nextHop = null;
        List<Long> asPath = new ArrayList<>();
        Long localPref = null;
        for (JsonNode attr : path.path("attrs")) {
            switch (attr.path("type").asInt()) {
                case 2: // AS_PATH
                    for (JsonNode segment : attr.path("as_paths")) {
                        for (JsonNode as : segment.path("asns")) {
                            asPath.add(as.asLong());
                        }
                    }
                    break;
                case 3: // NEXT_HOP
                case 14: // MP_REACH_NLRI: the IPv6 next hop
                    nextHop = attr.path("nexthop").asString(null);
                    break;
                case 5: // LOCAL_PREF
                    localPref = attr.path("value").asLong();
                    break;
                default:
                    break;
            }
        }
        return new GobgpRoute(prefix, nextHop, List.copyOf(asPath), localPref, path.path("stale").asBoolean(false));
    }

    /** The session state goBGP reports for a neighbour ({@code established}, {@code active}, ...), or "". */
    public String sessionState(String neighbor) throws IOException, InterruptedException {
        Commands.Result r = Commands.exec(CLI_TIMEOUT, cli("neighbor", neighbor, "-j"));
        if (!r.ok()) {
            return "";
        }
        JsonNode state = JSON.readTree(r.output()).path("state").path("session_state");
        if (state.isNumber()) {
            int i = state.asInt();
            return i >= 0 && i < SESSION_STATES.size() ? SESSION_STATES.get(i) : Integer.toString(i);
        }
        return state.asString("").toLowerCase(Locale.ROOT);
    }

    /** Neighbours and the end of the log: what a failed assertion should show. */
    public String diagnostics() {
        String neighbors;
        try {
            neighbors = Commands.exec(CLI_TIMEOUT, cli("neighbor")).output();
        } catch (IOException e) {
            neighbors = "(gobgp neighbor failed: " + e.getMessage() + ")";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            neighbors = "(interrupted)";
        }
        return "gobgpd in " + dir + (namespace == null ? "" : ", " + namespace) + ", alive=" + process.isAlive()
                + "\n" + neighbors + "\n--- gobgpd.log (end) ---\n" + Commands.tail(dir.resolve("gobgpd.log"), 40);
    }

    public String log() throws IOException {
        Path log = dir.resolve("gobgpd.log");
        return Files.exists(log) ? Files.readString(log) : "";
    }

    /** Stops gobgpd, then removes its namespace, if it has one. */
    @Override
    public void close() throws IOException, InterruptedException {
        try {
            Commands.stop(process);
        } finally {
            if (namespace != null) {
                namespace.close();
            }
        }
    }
}
