package dev.herald.api.spi;

import org.osgi.annotation.versioning.ProviderType;

/**
 * A BGP backend could not do what it was asked. The message says what was being done and to which peer or prefix.
 * After it, the server's own view is still consistent, so the caller may simply retry the same call.
 */
@ProviderType
public class BgpException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public BgpException(String message) {
        super(message);
    }

    public BgpException(String message, Throwable cause) {
        super(message, cause);
    }
}
