package dev.herald.api.spi;

import org.osgi.annotation.versioning.ProviderType;

/** How a {@link BgpServer} ends its sessions when it stops. */
@ProviderType
public enum StopMode {
    /**
     * Close every session with a Cease NOTIFICATION: peers drop our routes at once. Used when the policy goes away
     * or the server restarts with new parameters.
     */
    CEASE,
    /**
     * A planned restart (backend swap or upgrade): close the sessions without a NOTIFICATION so that peers which
     * negotiated graceful restart (RFC 4724) keep our routes as stale until the new server sends End-of-RIB.
     */
    GRACEFUL_RESTART
}
