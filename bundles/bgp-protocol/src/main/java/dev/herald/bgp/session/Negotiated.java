package dev.herald.bgp.session;

import dev.herald.bgp.message.Afi;
import dev.herald.bgp.message.Capability;
import dev.herald.bgp.message.OpenMessage;
import java.util.EnumSet;
import java.util.Set;
import org.osgi.annotation.versioning.ProviderType;

/**
 * What both OPENs together decide for an Established session.
 *
 * @param holdTime the smaller hold time, seconds (0: no keepalives, no hold timer)
 * @param keepaliveSeconds seconds between our KEEPALIVEs: the configured interval (below the hold time), else a
 *     third of the hold time; 0 when the hold time is 0
 * @param families the unicast families both offered (IPv4 alone when the peer offered no multiprotocol capability)
 * @param fourOctetAs both support 4-octet AS numbers
 * @param extendedMessages both support extended messages
 * @param peerGracefulRestart the peer's graceful-restart capability, if it sent one
 * @param peerOpen the peer's OPEN
 */
@ProviderType
public record Negotiated(int holdTime, int keepaliveSeconds, Set<Afi> families, boolean fourOctetAs, boolean extendedMessages,
                         Capability.GracefulRestart peerGracefulRestart, OpenMessage peerOpen) {

    static Negotiated of(SessionConfig ours, OpenMessage theirs) {
        int hold = Math.min(ours.holdTime(), theirs.holdTime());
        Set<Afi> families = EnumSet.noneOf(Afi.class);
        for (Afi afi : ours.families()) {
            boolean offered = theirs.hasMultiprotocol() ? theirs.supportsFamily(afi) : afi == Afi.IPV4;
            if (offered) {
                families.add(afi);
            }
        }
        boolean four = theirs.capability(Capability.FourOctetAs.class).isPresent();
        boolean ext = ours.extendedMessages()
                && theirs.capability(Capability.ExtendedMessage.class).isPresent();
        int keepalive = hold == 0 ? 0 : Math.max(1, ours.keepaliveTime() > 0
                ? Math.min(ours.keepaliveTime(), hold - 1) : hold / 3);
        return new Negotiated(hold, keepalive, Set.copyOf(families), four, ext,
                theirs.capability(Capability.GracefulRestart.class).orElse(null), theirs);
    }
}
