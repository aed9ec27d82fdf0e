/**
 * Emulated BGP routers for the simulator and tests: {@link dev.herald.simulator.peer.EmulatedPeer} accepts sessions
 * from any agent on {@code bgp-protocol}, records what it learns ({@link dev.herald.simulator.peer.LearnedRoute},
 * {@link dev.herald.simulator.peer.RouteEvent}), keeps routes across graceful restarts as RFC 4724 says, and injects
 * faults ({@link dev.herald.simulator.peer.SessionFault}, aimed at {@link dev.herald.simulator.peer.Remotes});
 * {@link dev.herald.simulator.peer.EmulatedPeers} runs several on one event-loop group.
 */
package dev.herald.simulator.peer;
