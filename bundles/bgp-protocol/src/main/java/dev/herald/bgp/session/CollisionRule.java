package dev.herald.bgp.session;

import org.osgi.annotation.versioning.ProviderType;

/**
 * RFC 4271 §6.8: of two connections between the same two speakers, the one opened by the speaker with the higher
 * BGP identifier survives.
 */
@ProviderType
public final class CollisionRule {
    private CollisionRule() {
    }

    /**
     * Whether a connection survives a collision.
     *
     * @param outgoing whether we opened it
     * @param localId our BGP identifier, unsigned 32 bits
     * @param remoteId the peer's, from its OPEN
     */
    public static boolean survives(boolean outgoing, long localId, long remoteId) {
        boolean localHigher = Long.compareUnsigned(localId, remoteId) > 0;
        return outgoing == localHigher;
    }
}
