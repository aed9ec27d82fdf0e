package dev.herald.bgp.session;

import dev.herald.bgp.message.Afi;
import dev.herald.bgp.message.Capability;
import dev.herald.bgp.message.OpenMessage;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.osgi.annotation.versioning.ProviderType;

/**
 * What this side of a session proposes and expects.
 *
 * @param localAsn the AS put in our OPEN (the member sub-AS inside a confederation)
 * @param routerId our BGP identifier, unsigned 32 bits
 * @param peerAsn the AS the peer must announce
 * @param holdTime proposed hold time in seconds: 0, or 3 and more (default 90)
 * @param families the unicast families we offer (multiprotocol capabilities)
 * @param gracefulRestartTime restart time advertised in the graceful-restart capability; negative for none
 * @param restarting the graceful-restart R bit: we have just restarted and our peers keep our routes as stale; a
 *     {@link BgpPeer} sends it on its first OPEN only and clears it once a session is Established
 * @param extendedMessages offer RFC 8654 extended messages
 * @param forwardingPreserved the graceful-restart F bit of every family: our forwarding survives a restart of this
 *     speaker, so peers may keep our stale routes until End-of-RIB (RFC 4724 §4.2); true for a node agent, whose
 *     routes are forwarded by the node whether or not its BGP process runs
 * @param keepaliveTime seconds between KEEPALIVEs; 0 for a third of the negotiated hold time (RFC 4271 §10)
 * @param connectRetryTime seconds between connection attempts; 0 for the back-off of {@link BgpPeer}
 */
@ProviderType
public record SessionConfig(long localAsn, long routerId, long peerAsn, int holdTime, Set<Afi> families,
                            int gracefulRestartTime, boolean restarting, boolean extendedMessages,
                            boolean forwardingPreserved, int keepaliveTime, int connectRetryTime) {
    public static final int DEFAULT_HOLD_TIME = 90;

    public SessionConfig {
        if (holdTime == 1 || holdTime == 2 || holdTime < 0 || holdTime > 65535) {
            throw new IllegalArgumentException("hold time " + holdTime + " must be 0 or 3..65535");
        }
        if (keepaliveTime < 0 || keepaliveTime > 65535 || connectRetryTime < 0 || connectRetryTime > 65535) {
            throw new IllegalArgumentException("keepalive " + keepaliveTime + " and connect retry "
                    + connectRetryTime + " must be 0..65535");
        }
        families = Set.copyOf(families);
    }

    /** A config with the RFC's timers: keepalives at a third of the hold time, the peer's connect back-off. */
    public SessionConfig(long localAsn, long routerId, long peerAsn, int holdTime, Set<Afi> families,
                         int gracefulRestartTime, boolean restarting, boolean extendedMessages,
                         boolean forwardingPreserved) {
        this(localAsn, routerId, peerAsn, holdTime, families, gracefulRestartTime, restarting, extendedMessages,
                forwardingPreserved, 0, 0);
    }

    /** A config whose graceful-restart capability says forwarding is preserved (the F bit set). */
    public SessionConfig(long localAsn, long routerId, long peerAsn, int holdTime, Set<Afi> families,
                         int gracefulRestartTime, boolean restarting, boolean extendedMessages) {
        this(localAsn, routerId, peerAsn, holdTime, families, gracefulRestartTime, restarting, extendedMessages, true);
    }

    /** Our OPEN: 4-octet AS, route refresh, the families, graceful restart and extended messages as configured. */
    public OpenMessage open() {
        List<Capability> caps = new ArrayList<>();
        for (Afi afi : Afi.values()) {
            if (families.contains(afi)) {
                caps.add(Capability.Multiprotocol.unicast(afi));
            }
        }
        caps.add(new Capability.RouteRefresh());
        caps.add(new Capability.FourOctetAs(localAsn));
        if (gracefulRestartTime >= 0) {
            List<Capability.GracefulRestart.Family> gr = new ArrayList<>();
            for (Afi afi : Afi.values()) {
                if (families.contains(afi)) {
                    // F=0 would make a receiver drop our stale routes at once (RFC 4724 §4.2), flapping everything
                    // during a planned restart
                    gr.add(new Capability.GracefulRestart.Family(afi.code(), Afi.SAFI_UNICAST, forwardingPreserved));
                }
            }
            caps.add(new Capability.GracefulRestart(restarting, Math.min(gracefulRestartTime, 4095), gr));
        }
        if (extendedMessages) {
            caps.add(new Capability.ExtendedMessage());
        }
        return OpenMessage.of(localAsn, holdTime, routerId, caps);
    }

    /** This config with the restart-state (R) bit set or cleared. */
    public SessionConfig withRestarting(boolean r) {
        return r == restarting ? this
                : new SessionConfig(localAsn, routerId, peerAsn, holdTime, families, gracefulRestartTime, r,
                        extendedMessages, forwardingPreserved, keepaliveTime, connectRetryTime);
    }

    public boolean isInternal() {
        return localAsn == peerAsn;
    }
}
