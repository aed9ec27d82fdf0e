package dev.herald.controller;

import dev.herald.api.BgpPeerSpec;
import dev.herald.api.BgpPolicy;
import dev.herald.api.NodeInfo;
import dev.herald.api.PeerConfig;
import dev.herald.api.PeerKey;
import dev.herald.api.PeerStatus;
import dev.herald.api.spi.BgpServer;
import dev.herald.api.spi.ClusterState;
import dev.herald.api.spi.ClusterWriter;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The peers of one server: the effective policy's peers of the Node's families, with their TCP-MD5 passwords from
 * the Secret, applied as a diff. Not thread-safe: the reconciler's loop thread.
 */
final class PeerSync {
    private final ClusterState cluster;
    private final ClusterWriter writer;
    private final FamilyGaps gaps;
    /** What the server was told. */
    private final Map<PeerKey, PeerConfig> peers = new LinkedHashMap<>();
    /** Peers that ask for BFD from a server that cannot run it (docs/bgp-policy.md, "Timers and BFD"). */
    private List<PeerKey> withoutBfd = List.of();

    PeerSync(ClusterState cluster, ClusterWriter writer, FamilyGaps gaps) {
        this.cluster = cluster;
        this.writer = writer;
        this.gaps = gaps;
    }

    /** Removals first, then updates, then additions, so an ASN change at one address works with every backend. */
    void apply(BgpServer server, String backend, BgpPolicy p, NodeInfo n) {
        Map<String, String> passwords = cluster.bgpPasswords();
        Map<PeerKey, PeerConfig> desired = new LinkedHashMap<>();
        List<PeerKey> otherFamily = new ArrayList<>();
        for (BgpPeerSpec spec : p.spec().bgpPeers()) {
            if (!n.hasFamilyOf(spec.address())) {
                otherFamily.add(spec.key()); // a family the node does not run
                continue;
            }
            desired.put(spec.key(), spec.toPeerConfig(Optional.ofNullable(passwords.get(spec.key().toString()))));
        }
        gaps.peers(otherFamily);
        for (PeerKey k : List.copyOf(peers.keySet())) {
            if (!desired.containsKey(k)) {
                server.removePeer(k);
                peers.remove(k);
            }
        }
        for (PeerConfig c : desired.values()) {
            PeerConfig old = peers.get(c.key());
            if (old != null && !old.equals(c)) {
                if (old.password().isPresent() && c.password().isEmpty()) {
                    // the Secret deleted, or its entry gone or unusable, while the session used it (Antrea's agent
                    // crashed there, antrea#7042): the peer goes on without TCP-MD5, and the user is told why
                    writer.event(p.name(), n.name(), true, "BgpPeerPasswordRemoved", "peer " + c.key() + " runs "
                            + "without a TCP-MD5 password now: the Secret antrea-bgp-passwords has no usable key "
                            + c.key() + " any more; a router that requires the password refuses the session");
                }
                call(p, n, c, () -> server.updatePeer(c));
                peers.put(c.key(), c);
            }
        }
        for (PeerConfig c : desired.values()) {
            if (!peers.containsKey(c.key())) {
                call(p, n, c, () -> server.addPeer(c));
                peers.put(c.key(), c);
            }
        }
        List<PeerKey> noBfd = server.supportsBfd() ? List.of() : desired.values().stream()
                .filter(c -> c.bfd().enabled()).map(PeerConfig::key).toList();
        if (!noBfd.isEmpty() && !noBfd.equals(withoutBfd)) {
            writer.event(p.name(), n.name(), true, "BfdUnsupported", bfdUnsupported(backend, noBfd));
        }
        withoutBfd = noBfd;
    }

    /** Continues from the peers of an adopted server. */
    void adopt(Collection<PeerStatus> running) {
        running.forEach(ps -> peers.put(ps.key(), ps.config()));
    }

    /** The server is gone, and its peers with it. */
    void forget() {
        peers.clear();
        withoutBfd = List.of();
    }

    int size() {
        return peers.size();
    }

    List<PeerConfig> configs() {
        return List.copyOf(peers.values());
    }

    /** Why the last pass's BFD peers run without BFD, for the condition; empty when none do. */
    Optional<String> bfdMissing(String backend) {
        return withoutBfd.isEmpty() ? Optional.empty() : Optional.of(bfdUnsupported(backend, withoutBfd));
    }

    private static String bfdUnsupported(String backend, List<PeerKey> keys) {
        return "backend " + backend + " cannot run BFD, asked for peer(s) " + keys
                + ": their sessions detect a dead peer by the hold timer only; the native backend runs BFD";
    }

    private void call(BgpPolicy p, NodeInfo n, PeerConfig c, Runnable call) {
        try {
            call.run();
        } catch (RuntimeException e) {
            writer.event(p.name(), n.name(), true, "BgpPeerError", "peer " + c.key() + ": " + e.getMessage());
            throw e;
        }
    }
}
