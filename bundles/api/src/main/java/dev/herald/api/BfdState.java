package dev.herald.api;

import org.osgi.annotation.versioning.ProviderType;

/**
 * The state of a BFD session (RFC 5880 §6.2), as status and metrics show it.
 *
 * @since 1.2
 */
@ProviderType
public enum BfdState {
    ADMIN_DOWN("AdminDown"),
    DOWN("Down"),
    INIT("Init"),
    UP("Up");

    private final String displayName;

    BfdState(String displayName) {
        this.displayName = displayName;
    }

    /** The name routers print: {@code Up}, {@code Down}, ... */
    public String displayName() {
        return displayName;
    }
}
