package dev.herald.it.peers;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;

/** Shared rules for tests that run real BGP daemons. */
public final class Daemons {
    private Daemons() {
    }

    /**
     * Skips the test when the daemon is not installed, unless {@code HERALD_REQUIRE_DAEMONS=1} (CI sets it, after
     * installing them): there a missing daemon fails the test instead of hiding it.
     */
    public static void assumeInstalled(String debianPackage, boolean installed) {
        if (!installed && "1".equals(System.getenv("HERALD_REQUIRE_DAEMONS"))) {
            throw new AssertionError(debianPackage + " is not installed (apt-get install -y " + debianPackage + ")");
        }
        Assumptions.assumeTrue(installed, debianPackage + " is not installed; apt-get install -y " + debianPackage);
    }

    /**
     * The program {@code command} on the PATH, for tests that run a tool (promtool, kubectl); without it the test is
     * skipped, or fails with {@code HERALD_REQUIRE_DAEMONS=1}, as {@link #assumeInstalled} says.
     */
    public static Path assumeOnPath(String debianPackage, String command) {
        Path found = onPath(command);
        assumeInstalled(debianPackage, found != null);
        return found;
    }

    /** Where {@code command} is on the PATH, or null. */
    public static Path onPath(String command) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator)) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, command))) {
                return Path.of(dir, command);
            }
        }
        return null;
    }

    /**
     * Skips the test unless it runs as root with the {@code ip} command (network namespaces need both). CI runs as
     * root, so there ({@code HERALD_REQUIRE_DAEMONS=1}) their absence fails the test instead of hiding it.
     */
    public static void assumeRootWithIpCommand(String why) {
        boolean usable = isRoot() && Files.isExecutable(Path.of("/usr/sbin/ip"));
        if (!usable && "1".equals(System.getenv("HERALD_REQUIRE_DAEMONS"))) {
            throw new AssertionError(why + " needs root and /usr/sbin/ip (apt-get install -y iproute2)");
        }
        Assumptions.assumeTrue(usable, why + " needs root and /usr/sbin/ip");
    }

    /** Whether this JVM's effective user ID is 0, from the {@code Uid:} line of /proc/self/status. */
    static boolean isRoot() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("Uid:")) {
                    return line.split("\\s+")[2].equals("0"); // real, effective, saved, filesystem
                }
            }
        } catch (IOException e) {
            return false; // no /proc: not Linux, no namespaces either
        }
        return false;
    }

    /** Ports handed out in this JVM: a daemon binds its port a while after we ask, so never hand one out twice. */
    private static final java.util.Set<Integer> HANDED_OUT = java.util.concurrent.ConcurrentHashMap.newKeySet();

    /** A TCP port free on loopback now and not handed out before in this JVM. */
    public static int freePort() throws IOException {
        for (int attempt = 0; attempt < 100; attempt++) {
            try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
                if (HANDED_OUT.add(s.getLocalPort())) {
                    return s.getLocalPort();
                }
            }
        }
        throw new IOException("no free port found on the loopback address");
    }
}
