package dev.herald.it.peers;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * BIRD 2 with only {@code protocol bfd} (no BGP), in a namespace of its own: one session toward each address of the
 * root end of the veth pair, at the interval and multiplier given. {@link #close()} stops BIRD and removes the
 * namespace.
 */
public final class BirdBfdDaemon implements BfdPeerDaemon {
    private static final Duration BIRDC_TIMEOUT = Duration.ofSeconds(10);

    private final Path dir;
    private final NetNamespace namespace;
    private final SocketDir socketDir;
    private final Process process;

    private BirdBfdDaemon(Path dir, NetNamespace namespace, SocketDir socketDir, Process process) {
        this.dir = dir;
        this.namespace = namespace;
        this.socketDir = socketDir;
        this.process = process;
    }

    /**
     * A BGP session of BIRD toward Herald on the root end of the veth pair, bound to BFD ({@code bfd on}): when BFD
     * finds Herald down, BIRD ends the session and drops Herald's routes (docs/bgp-policy.md, "Timers and BFD").
     *
     * @param localAsn BIRD's AS
     * @param heraldAsn Herald's AS
     * @param heraldPort the port Herald listens on
     * @param holdTime the hold time BIRD offers
     */
    public record BgpNeighbor(long localAsn, long heraldAsn, int heraldPort, int holdTime) {
    }

    /** Starts BIRD in a new namespace; returns once {@code birdc} shows both sessions of its config. */
    public static BirdBfdDaemon start(Path dir, Duration interval, int multiplier)
            throws IOException, InterruptedException {
        return start(dir, interval, multiplier, null);
    }

    /** The same, with a BGP session toward Herald bound to BFD when {@code bgp} is not null. */
    public static BirdBfdDaemon start(Path dir, Duration interval, int multiplier, BgpNeighbor bgp)
            throws IOException, InterruptedException {
        return start(dir, interval, multiplier, bgp, 0);
    }

    /**
     * BIRD with {@code sessions} IPv4 BFD sessions, each toward another address of the root end of the pair
     * ({@link NetNamespace#addHostAddresses}), and none other: the BFD benchmark's peer (docs/performance.md, "BFD").
     */
    public static BirdBfdDaemon startMany(Path dir, Duration interval, int multiplier, int sessions)
            throws IOException, InterruptedException {
        return start(dir, interval, multiplier, null, sessions);
    }

    private static BirdBfdDaemon start(Path dir, Duration interval, int multiplier, BgpNeighbor bgp, int many)
            throws IOException, InterruptedException {
        Files.createDirectories(dir);
        NetNamespace ns = NetNamespace.create();
        SocketDir socketDir = null;
        BirdBfdDaemon bird = null;
        try {
            socketDir = SocketDir.create();
            Path conf = dir.resolve("bird.conf");
            List<String> neighbors = many > 0 ? ns.addHostAddresses(many)
                    : List.of(ns.hostAddress(), ns.hostAddress6());
            Files.writeString(conf, config(dir, ns, interval, multiplier, bgp, neighbors));
            Process p = new ProcessBuilder(ns.exec(List.of("/usr/sbin/bird", "-f", "-c", conf.toString(), "-s",
                    socketDir.resolve("bird.ctl").toString()))).redirectErrorStream(true)
                    .redirectOutput(dir.resolve("daemon.out").toFile()).start();
            bird = new BirdBfdDaemon(dir, ns, socketDir, p);
            BirdBfdDaemon b = bird;
            // with BGP, the BFD session comes with the BGP session, once Herald is there
            if (!Commands.waitUntil(Duration.ofSeconds(15), p, () -> bgp != null
                    ? b.birdc("show status").contains("Daemon is up") : b.sessionStates().size() == neighbors.size())) {
                throw new IOException("BIRD did not come up:\n" + b.diagnostics());
            }
            return bird;
        } catch (IOException | InterruptedException | RuntimeException e) {
            if (bird != null) {
                bird.close();
            } else {
                if (socketDir != null) {
                    socketDir.close();
                }
                ns.close();
            }
            throw e;
        }
    }

    private static String config(Path dir, NetNamespace ns, Duration interval, int multiplier, BgpNeighbor bgp,
                                 List<String> neighbors) {
        neighbors.forEach(Loopback::checkNamespaceLink);
        StringBuilder c = new StringBuilder();
        c.append("router id ").append(ns.peerAddress()).append(";\n");
        c.append("log \"").append(dir.resolve("bird.log")).append("\" all;\n");
        c.append("debug protocols { states };\n");
        c.append("protocol device { }\n");
        c.append("protocol bfd {\n");
        c.append("  interface \"veth0\" { interval ").append(interval.toMillis()).append(" ms; multiplier ")
                .append(multiplier).append("; };\n");
        if (bgp == null) {
            for (String n : neighbors) {
                c.append("  neighbor ").append(n).append(" dev \"veth0\" local ")
                        .append(n.contains(":") ? ns.peerAddress6() : ns.peerAddress()).append(";\n");
            }
        }
        // with BGP, the BGP session asks for its own BFD session: a static one beside it would be a second session
        // toward the same address, which BIRD keeps apart and Herald cannot
        c.append("}\n");
        if (bgp != null) {
            c.append("protocol bgp herald {\n");
            c.append("  local ").append(ns.peerAddress()).append(" as ").append(bgp.localAsn()).append(";\n");
            c.append("  neighbor ").append(ns.hostAddress()).append(" port ").append(bgp.heraldPort()).append(" as ")
                    .append(bgp.heraldAsn()).append(";\n");
            c.append("  hold time ").append(bgp.holdTime()).append(";\n");
            // back at once after a reset: BIRD's default waits 60 s after a session error before the next one
            c.append("  error wait time 1, 5;\n");
            c.append("  connect retry time 2;\n");
            c.append("  bfd on;\n");
            c.append("  ipv4 { import all; export none; };\n");
            c.append("}\n");
        }
        return c.toString();
    }

    /** BIRD's {@code BGP state} of the session toward Herald ({@code Established}, {@code Active}, ...). */
    public String bgpState() throws IOException, InterruptedException {
        return field(birdc("show protocols all herald"), "BGP state:");
    }

    /** The hold time of the session toward Herald, as BIRD runs it: the {@code y} of {@code Hold timer: x/y}. */
    public int holdTime() throws IOException, InterruptedException {
        String t = field(birdc("show protocols all herald"), "Hold timer:");
        return t.isEmpty() ? -1 : Integer.parseInt(t.substring(t.indexOf('/') + 1).trim());
    }

    /** The routes BIRD holds from Herald. */
    public long routeCount() throws IOException, InterruptedException {
        return BirdDaemon.countRoutes(birdc("show route protocol herald count"));
    }

    private static String field(String shown, String label) {
        for (String line : shown.split("\n")) {
            int at = line.indexOf(label);
            if (at >= 0) {
                return line.substring(at + label.length()).trim();
            }
        }
        return "";
    }

    @Override
    public NetNamespace namespace() {
        return namespace;
    }

    @Override
    public long pid() {
        return process.pid();
    }

    /** Runs a {@code birdc} command; the control socket is a file, so birdc runs in the root namespace. */
    public String birdc(String command) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("/usr/sbin/birdc", "-s", socketDir.resolve("bird.ctl").toString()));
        cmd.addAll(List.of(command.split(" ")));
        return Commands.exec(BIRDC_TIMEOUT, cmd).output();
    }

    /** From {@code show bfd sessions}: lines "ADDRESS  INTERFACE  STATE  SINCE  INTERVAL  TIMEOUT". */
    @Override
    public Map<String, String> sessionStates() throws IOException, InterruptedException {
        Map<String, String> out = new LinkedHashMap<>();
        for (String line : birdc("show bfd sessions").split("\n")) {
            String[] f = line.trim().split("\\s+");
            if (f.length >= 3 && (f[0].contains(".") || f[0].contains(":")) && Character.isLetterOrDigit(f[0].charAt(0))
                    && !f[0].equals("IP")) {
                out.put(f[0], f[2].toLowerCase(Locale.ROOT));
            }
        }
        return out;
    }

    @Override
    public String diagnostics() {
        String sessions;
        try {
            sessions = birdc("show bfd sessions");
        } catch (IOException e) {
            sessions = "(birdc failed: " + e.getMessage() + ")";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            sessions = "(interrupted)";
        }
        return "BIRD in " + dir + ", " + namespace + ", alive=" + process.isAlive() + "\n" + sessions
                + "\n--- bird.log (end) ---\n" + Commands.tail(dir.resolve("bird.log"), 30)
                + "\n--- daemon.out (end) ---\n" + Commands.tail(dir.resolve("daemon.out"), 10);
    }

    /** Stops BIRD (thawing it first, a stopped process ignores SIGTERM until then), then the namespace. */
    @Override
    public void close() throws IOException, InterruptedException {
        try {
            if (process.isAlive()) {
                Commands.exec(Duration.ofSeconds(5), List.of("/bin/kill", "-CONT", Long.toString(process.pid())));
            }
            Commands.stop(process);
            socketDir.close();
        } finally {
            namespace.close();
        }
    }
}
