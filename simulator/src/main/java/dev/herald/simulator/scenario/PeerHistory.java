package dev.herald.simulator.scenario;

import dev.herald.simulator.peer.EmulatedPeer;
import dev.herald.simulator.peer.RemoteId;
import dev.herald.simulator.peer.RouteEvent;
import dev.herald.simulator.peer.SessionInfo;
import dev.herald.simulator.scenario.Scenario.ExpectHistory;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * What each peer went through since its history began (at the start of framework agents, a swap or a fault): the
 * withdrawals it saw, and whether its sessions of then are still the same ({@code expectHistory}).
 */
final class PeerHistory {
    private final ScenarioEnvironment env;
    /** Each peer's sessions (remote: established since) when the current history began. */
    private final Map<String, Map<RemoteId, Optional<Instant>>> historyMark = new HashMap<>();

    PeerHistory(ScenarioEnvironment env) {
        this.env = env;
    }

    /** A new history starts for every peer: what each saw so far is forgotten, its sessions are noted. */
    void markAll() {
        env.peersInOrder().keySet().forEach(this::mark);
    }

    void mark(String peer) {
        EmulatedPeer p = env.peer(peer);
        p.clearEvents();
        Map<RemoteId, Optional<Instant>> sessions = new HashMap<>();
        p.sessions().forEach(si -> sessions.put(si.id(), si.establishedSince()));
        historyMark.put(peer, sessions);
    }

    /** Null when the peer's history is as expected, else what it was. */
    String check(ExpectHistory h) {
        EmulatedPeer p = env.peer(h.peer());
        List<String> problems = new ArrayList<>();
        Set<String> withdrawn = new TreeSet<>();
        p.events().stream().filter(e -> e.kind() == RouteEvent.Kind.WITHDRAW).forEach(e -> withdrawn.add(e.prefix()));
        if (!withdrawn.equals(h.withdrawn())) {
            Set<String> unexpected = new TreeSet<>(withdrawn);
            unexpected.removeAll(h.withdrawn());
            Set<String> missing = new TreeSet<>(h.withdrawn());
            missing.removeAll(withdrawn);
            if (!unexpected.isEmpty()) {
                problems.add(unexpected.size() + " prefix(es) withdrawn that should not have been: "
                        + unexpected.stream().limit(10).toList());
            }
            if (!missing.isEmpty()) {
                problems.add("not withdrawn: " + missing);
            }
        }
        historyMark.getOrDefault(h.peer(), Map.of()).forEach((remote, since) -> {
            Optional<SessionInfo> si = p.session(remote);
            Optional<Instant> now = si.flatMap(SessionInfo::establishedSince);
            String node = env.nodeOf(remote.routerId().orElse(null), remote.address());
            if (h.sessions() == ExpectHistory.Sessions.KEPT && !now.equals(since)) {
                problems.add("the session with " + node + " was " + (now.isEmpty() ? "down" : "re-established")
                        + " (established " + since.map(Object::toString).orElse("never") + " before, "
                        + now.map(Object::toString).orElse("not now") + ")");
            } else if (h.sessions() == ExpectHistory.Sessions.RENEWED) {
                if (now.isEmpty() || (since.isPresent() && !now.get().isAfter(since.get()))) {
                    problems.add("the session with " + node + " was not replaced by a new one yet");
                } else if (!si.get().endOfRibReceived().containsAll(si.get().families())
                        || si.get().staleRoutes() > 0) {
                    problems.add("the new session with " + node + " has not finished its graceful restart: End-of-RIB "
                            + "for " + si.get().endOfRibReceived() + " of " + si.get().families() + ", "
                            + si.get().staleRoutes() + " stale route(s)");
                }
            }
        });
        return problems.isEmpty() ? null : String.join("\n", problems);
    }
}
