package dev.herald.it.peers;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * Established TCP connections of this (the root) network namespace, killed as a broken link or a middlebox would:
 * {@code ss -K} aborts the socket in the kernel, which sends the other end a RST, and the process that owned it sees
 * the connection fail. No NOTIFICATION is sent. Needs root and a kernel with socket destroy support (Debian's has it).
 */
public final class TcpConnections {
    private static final Path SS = Path.of("/usr/bin/ss");
    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    private TcpConnections() {
    }

    public static boolean available() {
        return Files.isExecutable(SS) && Daemons.isRoot();
    }

    /**
     * Kills every established connection from this namespace to {@code remote} that uses one of {@code ports} at
     * either end (the BGP ports of both speakers, so that no other test's connection to the same address is hit);
     * returns how many sockets were killed.
     */
    public static int kill(String remote, int... ports) throws IOException, InterruptedException {
        if (ports.length == 0) {
            throw new IllegalArgumentException("name the ports of the connections to kill");
        }
        StringBuilder portFilter = new StringBuilder("(");
        for (int i = 0; i < ports.length; i++) {
            portFilter.append(i == 0 ? " " : " or ").append("dport = :").append(ports[i]).append(" or sport = :")
                    .append(ports[i]);
        }
        portFilter.append(" )");
        String out = Commands.run(TIMEOUT, List.of(SS.toString(), "-H", "-K", "-t", "state", "established", "dst",
                remote, portFilter.toString()));
        // -H: no header; ss -K prints each socket it killed, one a line
        return (int) out.lines().filter(l -> !l.isBlank()).count();
    }
}
