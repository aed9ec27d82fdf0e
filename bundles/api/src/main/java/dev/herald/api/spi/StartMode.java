package dev.herald.api.spi;

import org.osgi.annotation.versioning.ProviderType;

/** How a new {@link BgpServer} presents itself to its peers; the counterpart of {@link StopMode}. */
@ProviderType
public enum StartMode {
    /** A server that replaces nothing (or one that ended its sessions with a Cease): peers start from scratch. */
    FRESH,
    /**
     * This server replaces one that just stopped with {@link StopMode#GRACEFUL_RESTART} (a backend swap or
     * upgrade). Its first OPEN on each session carries the graceful-restart restart-state (R) bit and the
     * forwarding-state (F) bit of its families (RFC 4724 §3), so peers keep the old server's routes as stale until
     * this one has sent its table and End-of-RIB.
     */
    GRACEFUL_RESTART
}
