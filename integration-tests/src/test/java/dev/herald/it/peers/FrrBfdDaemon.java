package dev.herald.it.peers;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * FRR's {@code bfdd} alone (no zebra) in a namespace of its own, one session toward each address of the root end of
 * the veth pair. bfdd has no option to stay root: it drops to the {@code frr} user, so its socket folder (which
 * also holds its config) belongs to that user. {@link #close()} stops bfdd and removes the namespace.
 */
public final class FrrBfdDaemon implements BfdPeerDaemon {
    private static final Path BFDD = Path.of("/usr/lib/frr/bfdd");
    private static final Path VTYSH = Path.of("/usr/bin/vtysh");
    private static final Duration VTYSH_TIMEOUT = Duration.ofSeconds(10);
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final Path dir;
    private final NetNamespace namespace;
    private final SocketDir socketDir;
    private final Process process;

    private FrrBfdDaemon(Path dir, NetNamespace namespace, SocketDir socketDir, Process process) {
        this.dir = dir;
        this.namespace = namespace;
        this.socketDir = socketDir;
        this.process = process;
    }

    public static boolean installed() {
        return Files.isExecutable(BFDD) && Files.isExecutable(VTYSH);
    }

    /** Starts bfdd in a new namespace; returns once vtysh shows both peers of its config. */
    public static FrrBfdDaemon start(Path dir, Duration interval, int multiplier)
            throws IOException, InterruptedException {
        Files.createDirectories(dir);
        NetNamespace ns = NetNamespace.create();
        SocketDir socketDir = null;
        FrrBfdDaemon frr = null;
        try {
            socketDir = SocketDir.create();
            UserPrincipalLookupService users = socketDir.path().getFileSystem().getUserPrincipalLookupService();
            Files.setOwner(socketDir.path(), users.lookupPrincipalByName("frr"));
            Files.setPosixFilePermissions(socketDir.path(), PosixFilePermissions.fromString("rwxr-xr-x"));
            // bfdd reads its config after dropping to the frr user, who cannot enter the test's folder (mode 700):
            // the config goes to the socket folder, and a copy to the test's folder for reading after a failure
            String text = config(ns, interval, multiplier);
            Files.writeString(dir.resolve("bfdd.conf"), text);
            Path conf = socketDir.resolve("bfdd.conf");
            Files.writeString(conf, text);
            Files.setPosixFilePermissions(conf, PosixFilePermissions.fromString("rw-r--r--"));
            // -z: a zebra socket that does not exist (bfdd runs without zebra); -P 0: no TCP vty
            List<String> cmd = List.of(BFDD.toString(), "-u", "frr", "-g", "frr", "-f", conf.toString(), "-i",
                    socketDir.resolve("bfdd.pid").toString(), "--vty_socket", socketDir.toString(), "--bfdctl",
                    socketDir.resolve("bfdd.sock").toString(), "-z", socketDir.resolve("zserv.api").toString(),
                    "-P", "0");
            Process p = new ProcessBuilder(ns.exec(cmd)).redirectErrorStream(true)
                    .redirectOutput(dir.resolve("bfdd.log").toFile()).start();
            frr = new FrrBfdDaemon(dir, ns, socketDir, p);
            FrrBfdDaemon f = frr;
            if (!Commands.waitUntil(Duration.ofSeconds(15), p,
                    () -> f.peerCount() == 2)) {
                throw new IOException("bfdd did not come up:\n" + f.diagnostics());
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

    private static String config(NetNamespace ns, Duration interval, int multiplier) {
        StringBuilder c = new StringBuilder();
        c.append("log stdout debugging\n");
        c.append("debug bfd peer\n");
        c.append("!\nbfd\n");
        for (boolean v6 : List.of(false, true)) {
            String host = ns.hostAddress(v6);
            Loopback.checkNamespaceLink(host);
            c.append(" peer ").append(host).append(" local-address ").append(v6 ? ns.peerAddress6() : ns.peerAddress())
                    .append("\n");
            c.append("  receive-interval ").append(interval.toMillis()).append("\n");
            c.append("  transmit-interval ").append(interval.toMillis()).append("\n");
            c.append("  detect-multiplier ").append(multiplier).append("\n");
            c.append(" !\n");
        }
        c.append("!\n");
        return c.toString();
    }

    private List<String> vtyshCommand(String command) {
        return List.of(VTYSH.toString(), "--vty_socket", socketDir.toString(), "-c", command);
    }

    public String vtysh(String command) throws IOException, InterruptedException {
        return Commands.run(VTYSH_TIMEOUT, vtyshCommand(command));
    }

    @Override
    public NetNamespace namespace() {
        return namespace;
    }

    @Override
    public long pid() {
        return process.pid();
    }

    /** How many peers bfdd shows, 0 while vtysh cannot reach it yet. */
    private int peerCount() throws InterruptedException {
        try {
            return sessionStates().size();
        } catch (IOException e) {
            return 0;
        }
    }

    /** From {@code show bfd peers json}: an array of peers, each with "peer" and "status". */
    @Override
    public Map<String, String> sessionStates() throws IOException, InterruptedException {
        Map<String, String> out = new LinkedHashMap<>();
        for (JsonNode peer : JSON.readTree(vtysh("show bfd peers json"))) {
            out.put(peer.path("peer").asString(""), peer.path("status").asString("").toLowerCase(Locale.ROOT));
        }
        return out;
    }

    @Override
    public String diagnostics() {
        String peers;
        try {
            peers = Commands.exec(VTYSH_TIMEOUT, vtyshCommand("show bfd peers")).output();
        } catch (IOException e) {
            peers = "(vtysh failed: " + e.getMessage() + ")";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            peers = "(interrupted)";
        }
        return "bfdd in " + dir + ", " + namespace + ", alive=" + process.isAlive() + "\n" + peers
                + "\n--- bfdd.log (end) ---\n" + Commands.tail(dir.resolve("bfdd.log"), 30);
    }

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
