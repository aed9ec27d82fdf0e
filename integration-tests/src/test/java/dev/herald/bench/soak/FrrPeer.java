package dev.herald.bench.soak;

import dev.herald.it.peers.FrrDaemon;
import dev.herald.it.peers.NetNamespace;
import java.io.IOException;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * FRR's bgpd in a network namespace of its own (it refuses loopback next hops), one IPv4 session with the agent on
 * the namespace's veth pair. FRR is a graceful-restart helper by default: when a session breaks without a
 * NOTIFICATION it keeps the agent's routes as stale until the next session's End-of-RIB, so a table that looks
 * complete may still be stale, and {@link #mismatch} says so.
 */
final class FrrPeer implements SoakPeer, AutoCloseable {
    static final long ASN = 65002;
    private final FrrDaemon frr;
    private final String agentAddress;

    private FrrPeer(FrrDaemon frr) {
        this.frr = frr;
        this.agentAddress = frr.namespace().hostAddress();
    }

    static FrrPeer start(Path dir, int port, int agentPort, long agentAsn) throws IOException, InterruptedException {
        return new FrrPeer(FrrDaemon.start(dir, port, ASN, "10.255.0.172",
                List.of(NetNamespace.HostPeer.ipv4(agentPort, agentAsn))));
    }

    /** Where the agent reaches FRR; FRR sees the agent at {@link #agentAddress()}. */
    @Override
    public String address() {
        return frr.namespace().peerAddress();
    }

    String agentAddress() {
        return agentAddress;
    }

    /** Runs {@code neighbor AGENT <statement>} (or its {@code no} form) in bgpd's running config. */
    void neighbor(String statement, boolean negate) throws IOException, InterruptedException {
        frr.configure("router bgp " + ASN, (negate ? "no " : "") + "neighbor " + agentAddress + " " + statement);
    }

    /** {@code clear bgp}: FRR resets the session with a NOTIFICATION (Cease, Administrative Reset). */
    void clearSession() throws IOException, InterruptedException {
        frr.vtysh("clear bgp " + agentAddress);
    }

    @Override
    public String name() {
        return "FRR";
    }

    @Override
    public String session() throws IOException, InterruptedException {
        FrrDaemon.Neighbor n = frr.neighbor(agentAddress);
        return frr.pid() + " " + n.state() + " " + n.established();
    }

    @Override
    public boolean established() throws IOException, InterruptedException {
        return frr.neighbor(agentAddress).state().equals("Established");
    }

    @Override
    public String mismatch(Set<String> desired) throws IOException, InterruptedException {
        FrrDaemon.Neighbor n = frr.neighbor(agentAddress);
        if (!n.state().equals("Established")) {
            return "session " + (n.state().isEmpty() ? "unknown" : n.state());
        }
        if (n.acceptedPrefixes() != desired.size()) {
            return n.acceptedPrefixes() + " of " + desired.size() + " routes";
        }
        Map<String, FrrDaemon.FrrRoute> table = frr.routes("ipv4");
        String diff = SoakPeer.difference(table.keySet(), desired);
        if (diff != null) {
            return diff;
        }
        Set<String> stale = new HashSet<>();
        table.values().stream().filter(FrrDaemon.FrrRoute::stale).forEach(r -> stale.add(r.prefix()));
        return stale.isEmpty() ? null : stale.size() + " stale " + SoakPeer.sample(stale);
    }

    @Override
    public String lastError() throws IOException, InterruptedException {
        return frr.neighbor(agentAddress).lastReset();
    }

    /** NOTIFICATIONs of this code/subcode ("6/6") FRR processed from the agent so far. */
    long notificationsReceived(String code) throws IOException {
        return frr.notificationsReceived(agentAddress).getOrDefault(code, 0L);
    }

    @Override
    public long pid() {
        return frr.pid();
    }

    @Override
    public void restart() throws IOException, InterruptedException {
        frr.restart();
    }

    @Override
    public String diagnostics() {
        return frr.diagnostics();
    }

    @Override
    public void close() throws IOException, InterruptedException {
        frr.close();
    }
}
