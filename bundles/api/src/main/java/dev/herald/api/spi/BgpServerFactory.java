package dev.herald.api.spi;

import dev.herald.api.GlobalConfig;
import java.util.Collection;
import java.util.List;
import org.osgi.annotation.versioning.ProviderType;

/**
 * Creates {@link BgpServer}s of one backend. Registered as an OSGi service with the property
 * {@value #BACKEND_PROPERTY} naming the backend ({@code native}, {@code gobgp}); the controller binds the one that
 * {@code backend} in {@code etc/herald.cfg} names and re-binds when that setting changes or the bundle is replaced.
 * Thread-safe.
 */
@ProviderType
public interface BgpServerFactory {
    /** The service property that names a factory's backend. */
    String BACKEND_PROPERTY = "herald.backend";

    /** The backend's name, equal to its {@value #BACKEND_PROPERTY} service property. */
    String backend();

    /** A new, not yet started server for {@code config}. Creating one opens no socket. */
    BgpServer create(GlobalConfig config);

    /**
     * A new, not yet started server for {@code config}, presented to peers as {@code mode} says. With
     * {@link StartMode#GRACEFUL_RESTART} it replaces a server that stopped with {@link StopMode#GRACEFUL_RESTART}
     * (of this or another backend), and peers that negotiated graceful restart keep the routes they have until it
     * sent End-of-RIB. A backend that cannot announce a restart creates a {@linkplain StartMode#FRESH fresh} server
     * (the default), and its peers drop the stale routes when the new sessions come up.
     *
     * @since 1.2
     */
    default BgpServer create(GlobalConfig config, StartMode mode) {
        return create(config);
    }

    /**
     * The servers this factory created that were started and have not stopped. A server outlives the controller
     * that created it: a controller that comes back (its bundle was updated) adopts the running server whose config
     * it wants and continues from what that server advertises, so peers see no change. The factory stops what still
     * runs when it goes away itself: with {@link StopMode#GRACEFUL_RESTART} when only its bundle stops (an update or
     * a swap), with {@link StopMode#CEASE} when the framework stops.
     *
     * @since 1.3
     */
    default Collection<BgpServer> running() {
        return List.of();
    }
}
