package dev.herald.bfd.transport;

import dev.herald.bfd.packet.BfdState;
import dev.herald.bfd.packet.Diagnostic;
import dev.herald.bfd.session.BfdParameters;
import java.net.InetAddress;
import java.util.Optional;
import org.osgi.annotation.versioning.ProviderType;

/** One session of a {@link BfdSessions} endpoint. Every method may be called from any thread. */
@ProviderType
public interface BfdSession {
    InetAddress remote();

    /** The local address the session sends from, if one was given. */
    Optional<InetAddress> local();

    /** The session's state as last seen on its event loop. */
    BfdState state();

    /** bfd.LocalDiag: why the session last went down. */
    Diagnostic diagnostic();

    long localDiscriminator();

    /** The UDP source port of the session's packets, in 49152-65535 (RFC 5881 §4). */
    int sourcePort();

    BfdParameters parameters();

    /**
     * New timers for the session. While Up, a change of either interval is announced with a Poll Sequence (RFC 5880
     * §6.5); the mode (single hop, multihop) cannot change.
     */
    void update(BfdParameters parameters);

    /**
     * Ends the session: state AdminDown, diagnostic Administratively Down, three AdminDown packets (one at once),
     * then the socket closes. The listener hears the change to AdminDown and nothing after. Returns at once.
     */
    void close();
}
