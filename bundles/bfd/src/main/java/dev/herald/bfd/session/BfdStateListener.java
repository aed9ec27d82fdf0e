package dev.herald.bfd.session;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * Told of every state change of a session. Called on the session's thread (the BFD event loop): it must return
 * quickly and never block, or every session of that loop misses its timers.
 */
@ConsumerType
@FunctionalInterface
public interface BfdStateListener {
    void stateChanged(StateChange change);
}
