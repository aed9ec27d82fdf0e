package dev.herald.bfd.session;

import dev.herald.bfd.packet.BfdState;
import dev.herald.bfd.packet.Diagnostic;
import java.util.Objects;

/**
 * A session changed state.
 *
 * @param from the state before
 * @param to the state now
 * @param diagnostic the local diagnostic at the change: why the session left Up (RFC 5880 §6.8.1, bfd.LocalDiag)
 */
public record StateChange(BfdState from, BfdState to, Diagnostic diagnostic) {
    public StateChange {
        Objects.requireNonNull(from, "from");
        Objects.requireNonNull(to, "to");
        Objects.requireNonNull(diagnostic, "diagnostic");
    }
}
