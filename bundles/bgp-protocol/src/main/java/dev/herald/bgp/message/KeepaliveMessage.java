package dev.herald.bgp.message;

import org.osgi.annotation.versioning.ProviderType;

/** KEEPALIVE: a header and nothing else. */
@ProviderType
public record KeepaliveMessage() implements BgpMessage {
    public static final KeepaliveMessage INSTANCE = new KeepaliveMessage();

    @Override
    public int type() {
        return KEEPALIVE;
    }
}
