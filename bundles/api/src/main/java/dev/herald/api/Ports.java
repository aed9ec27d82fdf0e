package dev.herald.api;

import org.osgi.annotation.versioning.ProviderType;

/** Checks for TCP port numbers. */
@ProviderType
public final class Ports {
    private Ports() {
    }

    /** Returns {@code port} if it is 1..65535, else throws naming {@code what}. */
    public static int check(int port, String what) {
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException(what + " " + port + " is not a valid port (1..65535)");
        }
        return port;
    }
}
