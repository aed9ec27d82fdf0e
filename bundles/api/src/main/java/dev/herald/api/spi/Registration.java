package dev.herald.api.spi;

import org.osgi.annotation.versioning.ProviderType;

/** A listener registration; closing it stops the notifications. Closing twice is harmless. */
@ProviderType
@FunctionalInterface
public interface Registration extends AutoCloseable {
    @Override
    void close();
}
