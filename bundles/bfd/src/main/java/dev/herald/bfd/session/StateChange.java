package dev.herald.bfd.session;

import dev.herald.bfd.packet.BfdState;
import dev.herald.bfd.packet.Diagnostic;
import java.util.Objects;
import org.osgi.annotation.versioning.ProviderType;

/**
 * A session changed state.
 *
 * @param from the state before
 * @param to the state now
 * @param diagnostic the local diagnostic at the change: why the session left Up (RFC 5880 §6.8.1, bfd.LocalDiag)
 * @param remoteAdminDown the change came from the peer's AdminDown: the peer took the session down on purpose, and
 *     a client such as BGP must not take that for a failure (RFC 5882 §3.2)
 */
@ProviderType
public record StateChange(BfdState from, BfdState to, Diagnostic diagnostic, boolean remoteAdminDown) {
    public StateChange {
        Objects.requireNonNull(from, "from");
        Objects.requireNonNull(to, "to");
        Objects.requireNonNull(diagnostic, "diagnostic");
    }

    /** A change that did not come from the peer's AdminDown. */
    public StateChange(BfdState from, BfdState to, Diagnostic diagnostic) {
        this(from, to, diagnostic, false);
    }
}
