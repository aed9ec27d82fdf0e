package dev.herald.simulator.scenario;

import dev.herald.bgp.session.FsmState;
import dev.herald.simulator.peer.EmulatedPeer;
import dev.herald.simulator.peer.RemoteId;
import dev.herald.simulator.peer.Remotes;
import dev.herald.simulator.peer.SessionFault;
import dev.herald.simulator.scenario.Scenario.Fault;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Injects a peer's fault and, for those that end sessions, waits until the sessions hit really went down, so the
 * next step sees the consequence and not the state before it.
 */
final class FaultStep {
    private final ScenarioEnvironment env;
    private final PeerHistory history;
    private final Poller poller;

    FaultStep(ScenarioEnvironment env, PeerHistory history, Poller poller) {
        this.env = env;
        this.history = history;
        this.poller = poller;
    }

    /** Null when the fault took effect, else why not. */
    String run(Fault f) {
        if (f.action() != Fault.Action.RESUME_READING) {
            // expectHistory after a fault: what the peer saw since, and whether its sessions came back
            history.mark(f.peer());
        }
        EmulatedPeer p = env.peer(f.peer());
        Map<RemoteId, Optional<Instant>> before = new HashMap<>();
        p.sessions().stream().filter(s -> s.state() == FsmState.ESTABLISHED)
                .filter(s -> f.node().isEmpty() || f.node().get().equals(env.nodeOf(s.remoteRouterId(), s.remote())))
                .forEach(s -> before.put(s.id(), s.establishedSince()));
        boolean reading = !f.action().endsSessions();
        String failure = null;
        if (f.node().isPresent() && !f.action().restartsRouter()) {
            // a node's session, told apart by router ID where agents share ::1
            if (before.isEmpty() && !reading) {
                failure = "no Established session with " + f.node().get();
            }
            for (Iterator<RemoteId> it = before.keySet().iterator(); failure == null && it.hasNext(); ) {
                failure = inject(p, f.action(), Optional.of(it.next()));
            }
        } else {
            failure = inject(p, f.action(), Optional.empty());
        }
        if (failure != null || reading) {
            return failure;
        }
        return poller.await(Duration.ofSeconds(5), () -> {
            List<String> still = new ArrayList<>();
            before.forEach((id, since) -> p.session(id).ifPresent(s -> {
                if (s.state() == FsmState.ESTABLISHED && s.establishedSince().equals(since)) {
                    still.add(env.nodeOf(s.remoteRouterId(), s.remote()));
                }
            }));
            return still.isEmpty() ? null : "sessions with " + still + " did not go down";
        }, () -> "waiting for the fault to take effect");
    }

    /** The fault on one session of the peer, or on all when no remote is given. */
    private static String inject(EmulatedPeer p, Fault.Action action, Optional<RemoteId> remote) {
        Remotes which = remote.map(Remotes::of).orElse(Remotes.ALL);
        return switch (action) {
            case DROP -> p.inject(SessionFault.DROP, which) > 0 ? null : "no session to drop";
            // Cease, administrative reset
            case NOTIFICATION -> p.inject(SessionFault.notification(6, 4), which) > 0 ? null
                    : "no session to send a NOTIFICATION on";
            case STOP_READING -> {
                p.inject(SessionFault.STOP_READING, which);
                yield null;
            }
            case RESUME_READING -> {
                p.inject(SessionFault.RESUME_READING, which);
                yield null;
            }
            case MALFORMED -> p.inject(SessionFault.MALFORMED_UPDATE, which) > 0 ? null
                    : "no session to send a malformed UPDATE on";
            case RESTART -> {
                p.restart(false);
                yield null;
            }
            case GRACEFUL_RESTART -> {
                p.restart(true);
                yield null;
            }
        };
    }
}
