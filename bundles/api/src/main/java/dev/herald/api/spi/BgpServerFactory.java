package dev.herald.api.spi;

import dev.herald.api.GlobalConfig;

/**
 * Creates {@link BgpServer}s of one backend. Registered as an OSGi service with the property
 * {@value #BACKEND_PROPERTY} naming the backend ({@code native}, {@code gobgp}); the controller binds the one that
 * {@code backend} in {@code etc/herald.cfg} names and re-binds when that setting changes or the bundle is replaced.
 * Thread-safe.
 */
public interface BgpServerFactory {
    /** The service property that names a factory's backend. */
    String BACKEND_PROPERTY = "herald.backend";

    /** The backend's name, equal to its {@value #BACKEND_PROPERTY} service property. */
    String backend();

    /** A new, not yet started server for {@code config}. Creating one opens no socket. */
    BgpServer create(GlobalConfig config);
}
