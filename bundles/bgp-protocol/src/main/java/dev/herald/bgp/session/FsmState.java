package dev.herald.bgp.session;

import org.osgi.annotation.versioning.ProviderType;

/**
 * The BGP finite-state-machine states of RFC 4271 §8, in the order a session progresses through them: a peer with
 * several connections reports the most advanced one.
 */
@ProviderType
public enum FsmState {
    IDLE("Idle"),
    CONNECT("Connect"),
    ACTIVE("Active"),
    OPEN_SENT("OpenSent"),
    OPEN_CONFIRM("OpenConfirm"),
    ESTABLISHED("Established");

    private final String displayName;

    FsmState(String displayName) {
        this.displayName = displayName;
    }

    /** The name routers show: {@code Established}, {@code OpenSent}, ... */
    public String displayName() {
        return displayName;
    }

    /** Whether this state is further along the way to Established than {@code other}. */
    public boolean isAfter(FsmState other) {
        return ordinal() > other.ordinal();
    }
}
