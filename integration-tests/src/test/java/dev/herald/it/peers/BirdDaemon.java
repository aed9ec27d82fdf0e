package dev.herald.it.peers;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A real BIRD 2 ({@code apt-get install bird2}) started on loopback as a receive-only BGP peer: it imports
 * everything and exports nothing. Each instance has its own folder, config, control socket (in a {@link SocketDir})
 * and process; {@link #close()} stops it. Only 127.0.0.0/8 and ::1 addresses are accepted.
 */
public final class BirdDaemon implements AutoCloseable {
    /** One neighbour of BIRD's: Herald, usually. */
    public record Neighbor(String address, int port, long asn, String password, boolean passive) {
        public static Neighbor of(String address, int port, long asn) {
            return new Neighbor(address, port, asn, null, false);
        }
    }

    /** A route in BIRD's table, as {@code show route all} prints it. */
    public record BirdRoute(String prefix, String nextHop, String asPath, String protocol, boolean stale) {
    }

    /**
     * One BGP session of a BIRD started with {@link #start(Path, String, List)}: its own protocol name, local
     * address (BIRD tells sessions to the same neighbour apart by it), neighbour, and extra statements such as
     * {@code passive yes}, {@code password "x"}, {@code ttl security yes} or {@code graceful restart on}. It imports
     * everything of the neighbour's address family and exports nothing.
     */
    public record Protocol(String name, String localAddress, int localPort, long localAsn, String neighborAddress,
                           int neighborPort, long neighborAsn, List<String> options) {
        public Protocol {
            Loopback.check(localAddress);
            Loopback.check(neighborAddress);
            options = List.copyOf(options);
        }

        public static Protocol of(String name, String localAddress, int localPort, long localAsn,
                                  String neighborAddress, int neighborPort, long neighborAsn) {
            return new Protocol(name, localAddress, localPort, localAsn, neighborAddress, neighborPort, neighborAsn,
                    List.of());
        }

        /** This protocol with one more statement (without the trailing semicolon). */
        public Protocol with(String option) {
            List<String> o = new ArrayList<>(options);
            o.add(option);
            return new Protocol(name, localAddress, localPort, localAsn, neighborAddress, neighborPort, neighborAsn, o);
        }

        /** This protocol toward another port and AS of the same neighbour. */
        public Protocol withNeighbor(int port, long asn) {
            return new Protocol(name, localAddress, localPort, localAsn, neighborAddress, port, asn, options);
        }
    }

    private final Path dir;
    private final Process process;
    private final SocketDir socketDir;
    private final Path socket;
    private final String routerId;

    private BirdDaemon(Path dir, Process process, SocketDir socketDir, String routerId) {
        this.dir = dir;
        this.process = process;
        this.socketDir = socketDir;
        this.socket = socketDir.resolve("bird.ctl");
        this.routerId = routerId;
    }

    public static boolean installed() {
        return Files.isExecutable(Path.of("/usr/sbin/bird")) && Files.isExecutable(Path.of("/usr/sbin/birdc"));
    }

    /**
     * Starts BIRD listening on {@code localAddress:port} (and {@code localAddress6} for IPv6 neighbours).
     *
     * @param gracefulRestart whether BIRD offers graceful restart (it keeps our routes as stale when we restart)
     */
    public static BirdDaemon start(Path dir, String localAddress, String localAddress6, int port, long asn,
                                   String routerId, List<Neighbor> neighbors, boolean gracefulRestart)
            throws IOException, InterruptedException {
        Loopback.check(localAddress);
        Loopback.check(localAddress6);
        Files.createDirectories(dir);
        StringBuilder conf = new StringBuilder();
        conf.append("router id ").append(routerId).append(";\n");
        conf.append("log \"").append(dir.resolve("bird.log")).append("\" all;\n");
        conf.append("protocol device { }\n");
        int i = 0;
        for (Neighbor n : neighbors) {
            Loopback.check(n.address());
            boolean v6 = n.address().contains(":");
            conf.append("protocol bgp peer").append(++i).append(" {\n");
            conf.append("  local ").append(v6 ? localAddress6 : localAddress).append(" port ").append(port)
                    .append(" as ").append(asn).append(";\n");
            conf.append("  neighbor ").append(n.address()).append(" port ").append(n.port()).append(" as ")
                    .append(n.asn()).append(";\n");
            // BIRD refuses a direct session to a loopback neighbour; routes then show as unreachable, but present
            conf.append("  multihop;\n  strict bind yes;\n");
            conf.append("  connect retry time 1; hold time 30;\n");
            if (gracefulRestart) {
                conf.append("  graceful restart on; graceful restart time 120;\n");
            } else {
                conf.append("  graceful restart off;\n");
            }
            if (n.password() != null) {
                conf.append("  password \"").append(n.password()).append("\";\n");
            }
            if (n.passive()) {
                conf.append("  passive yes;\n");
            }
            conf.append("  ipv4 { import all; export none; };\n");
            conf.append("  ipv6 { import all; export none; };\n");
            conf.append("}\n");
        }
        return launch(dir, conf.toString(), routerId);
    }

    /**
     * Starts BIRD with one BGP protocol per entry of {@code protocols}, each as it says; {@link #reconfigure} changes
     * them while BIRD runs. Every session retries fast (connect delay and retry 1 s, error wait 1-2 s, startup hold
     * time 5 s), so a test never waits for BIRD's default back-offs.
     */
    public static BirdDaemon start(Path dir, String routerId, List<Protocol> protocols)
            throws IOException, InterruptedException {
        Files.createDirectories(dir);
        return launch(dir, config(dir, routerId, protocols), routerId);
    }

    private static String config(Path dir, String routerId, List<Protocol> protocols) {
        StringBuilder conf = new StringBuilder();
        conf.append("router id ").append(routerId).append(";\n");
        conf.append("log \"").append(dir.resolve("bird.log")).append("\" all;\n");
        // milliseconds in the Since column: two state changes within a second stay apart (protocolSince)
        conf.append("timeformat protocol \"%T.%3f\";\n");
        conf.append("protocol device { }\n");
        for (Protocol p : protocols) {
            boolean v6 = p.neighborAddress().contains(":");
            conf.append("protocol bgp ").append(p.name()).append(" {\n");
            conf.append("  local ").append(p.localAddress()).append(" port ").append(p.localPort()).append(" as ")
                    .append(p.localAsn()).append(";\n");
            conf.append("  neighbor ").append(p.neighborAddress()).append(" port ").append(p.neighborPort())
                    .append(" as ").append(p.neighborAsn()).append(";\n");
            conf.append("  multihop;\n  strict bind yes;\n");
            conf.append("  connect delay time 1; connect retry time 1; error wait time 1, 2;\n");
            conf.append("  startup hold time 5; hold time 30;\n");
            for (String o : p.options()) {
                conf.append("  ").append(o).append(";\n");
            }
            conf.append(v6 ? "  ipv6" : "  ipv4").append(" { import all; export none; };\n");
            conf.append("}\n");
        }
        return conf.toString();
    }

    /**
     * Rewrites the config of a BIRD started with {@link #start(Path, String, List)} and has BIRD apply it: changed
     * protocols restart, unchanged ones keep their sessions.
     */
    public void reconfigure(List<Protocol> protocols) throws IOException, InterruptedException {
        Files.writeString(dir.resolve("bird.conf"), config(dir, routerId, protocols));
        String out = birdc("configure");
        if (!out.contains("Reconfigur")) {
            throw new IOException("BIRD did not take its new config: " + out);
        }
    }

    /** Stops this BIRD and starts it again with the same config; the old instance is closed. */
    public BirdDaemon restart() throws IOException, InterruptedException {
        close();
        return launch(dir, Files.readString(dir.resolve("bird.conf")), routerId);
    }

    private static BirdDaemon launch(Path dir, String conf, String routerId) throws IOException, InterruptedException {
        Path config = dir.resolve("bird.conf");
        Files.writeString(config, conf);
        SocketDir socketDir = SocketDir.create();
        Process p;
        try {
            p = new ProcessBuilder("/usr/sbin/bird", "-f", "-c", config.toString(), "-s",
                    socketDir.resolve("bird.ctl").toString())
                    .redirectErrorStream(true).redirectOutput(dir.resolve("daemon.out").toFile()).start();
        } catch (IOException | RuntimeException e) {
            socketDir.close();
            throw e;
        }
        BirdDaemon bird = new BirdDaemon(dir, p, socketDir, routerId);
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!bird.birdc("show status").contains("Daemon is up")) {
            if (!p.isAlive() || System.nanoTime() > deadline) {
                String out = Files.exists(dir.resolve("daemon.out")) ? Files.readString(dir.resolve("daemon.out")) : "";
                bird.close();
                throw new IOException("BIRD did not come up: " + out);
            }
            Thread.sleep(50);
        }
        return bird;
    }

    /**
     * Starts BIRD as a sender: {@code prefixes} as static blackhole routes, exported over one eBGP session to
     * {@code neighbor}. The session starts disabled: {@code birdc enable peer1} starts it. The reference speaker of
     * the table benchmark.
     */
    public static BirdDaemon startSender(Path dir, String localAddress, int port, long asn, String routerId,
                                         Neighbor neighbor, List<String> prefixes)
            throws IOException, InterruptedException {
        Loopback.check(localAddress);
        Loopback.check(neighbor.address());
        Files.createDirectories(dir);
        StringBuilder conf = new StringBuilder();
        conf.append("router id ").append(routerId).append(";\n");
        conf.append("log \"").append(dir.resolve("bird.log")).append("\" { warning, error, fatal };\n");
        conf.append("protocol device { }\n");
        conf.append("protocol static routes4 {\n  ipv4;\n");
        for (String p : prefixes) {
            conf.append("  route ").append(p).append(" blackhole;\n");
        }
        conf.append("}\n");
        conf.append("protocol bgp peer1 {\n");
        conf.append("  local ").append(localAddress).append(" port ").append(port).append(" as ").append(asn)
                .append(";\n");
        conf.append("  neighbor ").append(neighbor.address()).append(" port ").append(neighbor.port())
                .append(" as ").append(neighbor.asn()).append(";\n");
        conf.append("  multihop;\n  strict bind yes;\n  connect retry time 1; hold time 30;\n");
        // starts disabled: the benchmark enables it and times from there
        conf.append("  disabled;\n");
        conf.append("  ipv4 { import none; export all; next hop self; };\n}\n");
        return launch(dir, conf.toString(), routerId);
    }

    /** The daemon's process id, for CPU and memory readings in /proc. */
    public long pid() {
        return process.pid();
    }

    /** CPU seconds (user + system) the daemon has used so far, from /proc. */
    public double cpuSeconds() throws IOException {
        return Commands.cpuSeconds(process.pid());
    }

    /** Runs a {@code birdc} command against this daemon; returns its output. */
    public String birdc(String command) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("/usr/sbin/birdc", "-s", socket.toString()));
        cmd.addAll(List.of(command.split(" ")));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(10, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IOException("birdc " + command + " hung");
        }
        return out;
    }

    private static final Pattern ROUTE = Pattern.compile("^(\\S+/\\d+)\\s+(\\S+)\\s+\\[(\\S+)");
    private static final Pattern NEXT_HOP = Pattern.compile("^\\s+BGP\\.next_hop:\\s+(\\S+)");
    private static final Pattern AS_PATH = Pattern.compile("^\\s+BGP\\.as_path:\\s*(.*)$");

    /** Every route BIRD holds, by prefix, with next hop and AS path. */
    public Map<String, BirdRoute> routes() throws IOException, InterruptedException {
        return parseRoutes(birdc("show route all"));
    }

    /** The routes BIRD learned over one protocol (session), by prefix. */
    public Map<String, BirdRoute> routes(String protocol) throws IOException, InterruptedException {
        return parseRoutes(birdc("show route all protocol " + protocol));
    }

    private static Map<String, BirdRoute> parseRoutes(String shown) {
        Map<String, BirdRoute> out = new LinkedHashMap<>();
        String prefix = null;
        String protocol = null;
        String nextHop = null;
        String asPath = "";
        boolean stale = false;
        for (String line : shown.split("\n")) {
            Matcher m = ROUTE.matcher(line);
            if (m.find()) {
                if (prefix != null) {
                    out.put(prefix, new BirdRoute(prefix, nextHop, asPath, protocol, stale));
                }
                prefix = m.group(1);
                protocol = m.group(3);
                nextHop = null;
                asPath = "";
                stale = line.contains("stale") || line.contains("(s)");
                continue;
            }
            Matcher nh = NEXT_HOP.matcher(line);
            if (nh.find()) {
                nextHop = nh.group(1);
            }
            Matcher ap = AS_PATH.matcher(line);
            if (ap.find()) {
                asPath = ap.group(1).trim();
            }
            if (line.contains("BGP.") && line.toLowerCase().contains("stale")) {
                stale = true;
            }
        }
        if (prefix != null) {
            out.put(prefix, new BirdRoute(prefix, nextHop, asPath, protocol, stale));
        }
        return out;
    }

    /**
     * The prefixes of every route BIRD holds, from {@code show route} (one line a route: lighter than {@link
     * #routes()} for large tables).
     */
    public java.util.Set<String> prefixes() throws IOException, InterruptedException {
        java.util.Set<String> out = new java.util.HashSet<>();
        for (String line : birdc("show route").split("\n")) {
            Matcher m = ROUTE.matcher(line);
            if (m.find()) {
                out.add(m.group(1));
            }
        }
        return out;
    }

    /** The {@code Last error:} line of a session in {@code show protocols all}, or "" when it has none. */
    public String lastError(String protocol) throws IOException, InterruptedException {
        for (String line : protocolDetails(protocol).split("\n")) {
            String t = line.trim();
            if (t.startsWith("Last error:")) {
                return t.substring("Last error:".length()).trim();
            }
        }
        return "";
    }

    /** How many routes BIRD holds, all tables (cheap even for 100,000 routes). */
    public long routeCount() throws IOException, InterruptedException {
        return countRoutes(birdc("show route count"));
    }

    /** How many routes BIRD learned over one protocol (session). */
    public long routeCount(String protocol) throws IOException, InterruptedException {
        return countRoutes(birdc("show route protocol " + protocol + " count"));
    }

    static long countRoutes(String shown) {
        // one line per table, then "Total: N of M routes ..." when there is more than one table: count the tables
        long total = 0;
        for (String line : shown.split("\n")) {
            Matcher m = Pattern.compile("^(\\d+) of \\d+ routes").matcher(line.trim());
            if (m.find()) {
                total += Long.parseLong(m.group(1));
            }
        }
        return total;
    }

    /** BIRD's state of a session ({@code Established}, {@code Active}, ...), from {@code show protocols}. */
    public String protocolState(String protocol) throws IOException, InterruptedException {
        for (String line : birdc("show protocols").split("\n")) {
            String[] f = line.trim().split("\\s+");
            if (f.length >= 6 && f[0].equals(protocol)) {
                return f[5];
            }
        }
        return "";
    }

    /**
     * A session's line of {@code show protocols} ("NAME BGP --- up 12:00:00.000 Established"), read in one call so
     * that its state and Since column belong together; "" when BIRD has no such protocol.
     */
    public String protocolLine(String protocol) throws IOException, InterruptedException {
        for (String line : birdc("show protocols").split("\n")) {
            String[] f = line.trim().split("\\s+");
            if (f.length >= 5 && f[0].equals(protocol)) {
                return line.trim();
            }
        }
        return "";
    }

    /** {@code show protocols all NAME}: neighbour address, AS and ID, capabilities both ways, counters. */
    public String protocolDetails(String protocol) throws IOException, InterruptedException {
        return birdc("show protocols all " + protocol);
    }

    /** The Since column of {@code show protocols}: when the protocol last changed state. */
    public String protocolSince(String protocol) throws IOException, InterruptedException {
        for (String line : birdc("show protocols").split("\n")) {
            String[] f = line.trim().split("\\s+");
            if (f.length >= 5 && f[0].equals(protocol)) {
                return f[4];
            }
        }
        return "";
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    public String log() throws IOException {
        Path log = dir.resolve("bird.log");
        return Files.exists(log) ? Files.readString(log) : "";
    }

    /** Stops BIRD, then removes its socket folder. */
    @Override
    public void close() throws InterruptedException {
        try {
            Commands.stop(process);
        } finally {
            socketDir.close();
        }
    }
}
