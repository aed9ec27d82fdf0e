package dev.herald.api;

import org.osgi.annotation.versioning.ProviderType;

/** The BGP finite-state-machine states of RFC 4271 §8, as a peer's session reports them. */
@ProviderType
public enum SessionState {
    IDLE("Idle"),
    CONNECT("Connect"),
    ACTIVE("Active"),
    OPEN_SENT("OpenSent"),
    OPEN_CONFIRM("OpenConfirm"),
    ESTABLISHED("Established");

    private final String displayName;

    SessionState(String displayName) {
        this.displayName = displayName;
    }

    /** The name operators know from routers and from Antrea: {@code Established}, {@code OpenSent}, ... */
    public String displayName() {
        return displayName;
    }
}
