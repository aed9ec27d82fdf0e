package dev.herald.bgp.session;

import dev.herald.bgp.message.NotificationMessage;
import java.util.Objects;
import org.osgi.annotation.versioning.ProviderType;

/**
 * What an {@link OpenResolver} decided: the peer that takes the connection, or the NOTIFICATION that refuses it
 * (for instance OPEN Message Error/Bad Peer AS for an AS it does not accept, RFC 4271 §6.2).
 *
 * @param peer the peer that takes the connection, or null when refused
 * @param refusal the NOTIFICATION sent before closing, or null when accepted
 */
@ProviderType
public record OpenDecision(BgpPeer peer, NotificationMessage refusal) {
    public OpenDecision {
        if ((peer == null) == (refusal == null)) {
            throw new IllegalArgumentException("exactly one of peer and refusal");
        }
    }

    public static OpenDecision accept(BgpPeer peer) {
        return new OpenDecision(Objects.requireNonNull(peer, "peer"), null);
    }

    public static OpenDecision refuse(NotificationMessage refusal) {
        return new OpenDecision(null, Objects.requireNonNull(refusal, "refusal"));
    }

    /** Cease/Connection Rejected (RFC 4486): no peer is configured for this remote. */
    public static OpenDecision reject() {
        return refuse(new NotificationMessage(NotificationMessage.CEASE, NotificationMessage.CONNECTION_REJECTED));
    }
}
