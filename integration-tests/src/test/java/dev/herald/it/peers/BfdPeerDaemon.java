package dev.herald.it.peers;

import java.io.IOException;
import java.util.Map;

/**
 * A BFD speaker (BIRD's {@code protocol bfd}, FRR's {@code bfdd}) in a {@link NetNamespace} of its own, with one
 * single-hop session toward each address of the root end of the veth pair (IPv4 and IPv6), where Herald's BFD
 * endpoint runs. Single hop needs a directly connected peer: the veth pair is one (loopback would need the daemons
 * to take 127.0.0.0/8 peers as on-link, which FRR does not), and each daemon has the whole namespace and its BFD
 * ports to itself.
 */
public interface BfdPeerDaemon extends AutoCloseable {
    NetNamespace namespace();

    /** The daemon's process id ({@code ip netns exec} execs it, so this is the daemon itself). */
    long pid();

    /** The daemon's view of its sessions: peer address (as the daemon writes it) to state, lower case. */
    Map<String, String> sessionStates() throws IOException, InterruptedException;

    /** What a failed test should see: the daemon's sessions and log. */
    String diagnostics();

    /** Stops the daemon's process (SIGSTOP): it sends nothing until {@link #thaw()}. */
    default void freeze() throws IOException, InterruptedException {
        Commands.signal(pid(), "STOP");
    }

    default void thaw() throws IOException, InterruptedException {
        Commands.signal(pid(), "CONT");
    }

    @Override
    void close() throws IOException, InterruptedException;
}
