package dev.herald.simulator.peer;

import java.net.InetAddress;
import java.util.Objects;
import java.util.Optional;

/**
 * Which remotes of an emulated peer a fault is aimed at: all of them, every remote at an address, or the one a
 * {@link RemoteId} names (agents on {@code ::1} are told apart by router ID).
 *
 * @param one the remotes an identifier selects; empty for all
 */
public record Remotes(Optional<RemoteId> one) {
    public static final Remotes ALL = new Remotes(Optional.empty());

    public Remotes {
        Objects.requireNonNull(one, "one");
    }

    /** Every remote at {@code address}. */
    public static Remotes at(InetAddress address) {
        return of(RemoteId.of(address));
    }

    /** The remotes {@code id} selects: see {@link RemoteId}. */
    public static Remotes of(RemoteId id) {
        return new Remotes(Optional.of(id));
    }

    boolean matches(InetAddress remoteAddress, String remoteRouterId) {
        return one.map(id -> id.matches(remoteAddress, remoteRouterId)).orElse(true);
    }

    @Override
    public String toString() {
        return one.map(RemoteId::toString).orElse("every remote");
    }
}
