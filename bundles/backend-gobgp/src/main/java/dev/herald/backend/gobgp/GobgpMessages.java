package dev.herald.backend.gobgp;

import com.google.protobuf.Any;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Timestamp;
import dev.herald.api.Confederation;
import dev.herald.api.GlobalConfig;
import dev.herald.api.PeerConfig;
import dev.herald.api.PeerCounters;
import dev.herald.api.PeerStatus;
import dev.herald.api.PeerTimers;
import dev.herald.api.SessionState;
import dev.herald.backend.gobgp.apipb.AfiSafi;
import dev.herald.backend.gobgp.apipb.AfiSafiConfig;
import dev.herald.backend.gobgp.apipb.AfiSafiState;
import dev.herald.backend.gobgp.apipb.EbgpMultihop;
import dev.herald.backend.gobgp.apipb.Family;
import dev.herald.backend.gobgp.apipb.Global;
import dev.herald.backend.gobgp.apipb.GracefulRestart;
import dev.herald.backend.gobgp.apipb.IPAddressPrefix;
import dev.herald.backend.gobgp.apipb.MpGracefulRestart;
import dev.herald.backend.gobgp.apipb.MpGracefulRestartConfig;
import dev.herald.backend.gobgp.apipb.Message;
import dev.herald.backend.gobgp.apipb.MpReachNLRIAttribute;
import dev.herald.backend.gobgp.apipb.NextHopAttribute;
import dev.herald.backend.gobgp.apipb.OriginAttribute;
import dev.herald.backend.gobgp.apipb.Path;
import dev.herald.backend.gobgp.apipb.Peer;
import dev.herald.backend.gobgp.apipb.PeerConf;
import dev.herald.backend.gobgp.apipb.PeerState;
import dev.herald.backend.gobgp.apipb.Timers;
import dev.herald.backend.gobgp.apipb.TimersConfig;
import dev.herald.backend.gobgp.apipb.Transport;
import inet.ipaddr.IPAddress;
import inet.ipaddr.IPAddressString;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * Herald's model to goBGP's API messages and back. Pure functions, thread-safe.
 */
final class GobgpMessages {
    /** ORIGIN IGP (RFC 4271 §5.1.1): Herald originates what it advertises. */
    static final int ORIGIN_IGP = 0;
    static final Family IPV4_UNICAST = Family.newBuilder().setAfi(Family.Afi.AFI_IP)
            .setSafi(Family.Safi.SAFI_UNICAST).build();
    static final Family IPV6_UNICAST = Family.newBuilder().setAfi(Family.Afi.AFI_IP6)
            .setSafi(Family.Safi.SAFI_UNICAST).build();
    /** gobgpd retries an outgoing connection every 5-10 s with this; its own default (120 s) is too slow. */
    static final long CONNECT_RETRY_SECONDS = 5;

    private static final Any ORIGIN = Any.pack(OriginAttribute.newBuilder().setOrigin(ORIGIN_IGP).build());
    // an unspecified next hop makes gobgpd send its own address on the session (next-hop self)
    private static final Any NEXT_HOP_SELF_V4 = Any.pack(NextHopAttribute.newBuilder().setNextHop("0.0.0.0").build());
    private static final String NEXT_HOP_SELF_V6 = "::";

    private GobgpMessages() {
    }

    /** StartBgp's Global: ASN, router ID, port, listen address and confederation. */
    static Global global(GlobalConfig c) {
        Global.Builder g = Global.newBuilder()
                .setAsn((int) c.localAsn())
                .setRouterId(c.routerId().toCanonicalString())
                .setListenPort(c.listenPort());
        c.listenAddress().ifPresent(a -> g.addListenAddresses(a.toCanonicalString()));
        c.confederation().ifPresent(conf -> g.setConfederation(confederation(conf)));
        return g.build();
    }

    private static dev.herald.backend.gobgp.apipb.Confederation confederation(Confederation c) {
        var b = dev.herald.backend.gobgp.apipb.Confederation.newBuilder()
                .setEnabled(true)
                .setIdentifier((int) c.identifier());
        c.sortedMemberAsns().forEach(m -> b.addMemberAsList(m.intValue()));
        return b.build();
    }

    /** Whether a running daemon's Global is the speaker {@code c} describes (ASN and router ID). */
    static boolean sameSpeaker(Global running, GlobalConfig c) {
        return Integer.toUnsignedLong(running.getAsn()) == c.localAsn()
                && c.routerId().toCanonicalString().equals(running.getRouterId());
    }

    /**
     * Seconds a restarting gobgpd holds its routes back waiting for every peer's End-of-RIB (RFC 4724 §4.1
     * selection deferral) before it sends them anyway; gobgpd's own default is 360 s.
     */
    static final int DEFERRAL_SECONDS = 10;

    /** AddPeer's and UpdatePeer's Peer: one unicast family, the peer's own. */
    static Peer peer(PeerConfig p, GlobalConfig global) {
        return peer(p, global, false);
    }

    /**
     * As {@link #peer(PeerConfig, GlobalConfig)}; {@code restarting} sets {@code local_restarting}: gobgpd then sends
     * the restart-state (R) bit and, for the family, the forwarding-state (F) bit in its OPEN (it sets F only while
     * restarting), and defers its updates until the peer's End-of-RIB or {@link #DEFERRAL_SECONDS}.
     */
    static Peer peer(PeerConfig p, GlobalConfig global, boolean restarting) {
        IPAddress address = p.key().address();
        Family family = address.isIPv6() ? IPV6_UNICAST : IPV4_UNICAST;
        Transport.Builder transport = Transport.newBuilder().setRemotePort(p.port());
        // send from the listen address when it is of the peer's family, as the native speaker does
        global.listenAddress().filter(a -> a.isIPv6() == address.isIPv6())
                .ifPresent(a -> transport.setLocalAddress(a.toCanonicalString()));
        PeerConf.Builder conf = PeerConf.newBuilder()
                .setNeighborAddress(canonical(address))
                .setPeerAsn((int) p.key().asn())
                .setDescription("herald");
        p.password().ifPresent(conf::setAuthPassword);
        AfiSafi.Builder afiSafi = AfiSafi.newBuilder()
                .setConfig(AfiSafiConfig.newBuilder().setFamily(family).setEnabled(true));
        Peer.Builder peer = Peer.newBuilder()
                .setConf(conf)
                .setTransport(transport)
                .setTimers(Timers.newBuilder().setConfig(timers(p.timers())));
        if (p.multihopTtl() > 1) {
            peer.setEbgpMultihop(EbgpMultihop.newBuilder().setEnabled(true).setMultihopTtl(p.multihopTtl()));
        }
        if (global.gracefulRestart() && p.gracefulRestart()) {
            GracefulRestart.Builder gr = GracefulRestart.newBuilder().setEnabled(true)
                    .setRestartTime(p.gracefulRestartTimeSeconds());
            if (restarting) {
                gr.setLocalRestarting(true).setDeferralTime(DEFERRAL_SECONDS);
            }
            peer.setGracefulRestart(gr);
            // without the per-family flag gobgpd advertises the capability with no family in it
            afiSafi.setMpGracefulRestart(MpGracefulRestart.newBuilder()
                    .setConfig(MpGracefulRestartConfig.newBuilder().setEnabled(true)));
        }
        return peer.addAfiSafis(afiSafi).build();
    }

    /** An address as gobgpd writes it (and keys its peers by): 192.0.2.1, 2001:db8::1. */
    static String canonical(IPAddress address) {
        return address.withoutPrefixLength().toCanonicalString();
    }

    /** Parses an address gobgpd reports; empty when it is not one. */
    static Optional<IPAddress> parseAddress(String text) {
        IPAddress a = new IPAddressString(text).getAddress();
        return Optional.ofNullable(a).map(IPAddress::withoutPrefixLength);
    }

    /** Parses a prefix as ListPath writes it (10.96.0.10/32); empty when it is not one. */
    static Optional<IPAddress> parsePrefix(String text) {
        IPAddress a = new IPAddressString(text).getAddress();
        if (a == null) {
            return Optional.empty();
        }
        return Optional.of(a.isPrefixed() ? a.toPrefixBlock() : a.setPrefixLength(a.getBitCount(), false));
    }

    /** The path of one prefix: ORIGIN IGP and next hop self (NEXT_HOP for IPv4, MP_REACH_NLRI for IPv6). */
    static Path path(IPAddress prefix, boolean withdraw) {
        Any nlri = Any.pack(IPAddressPrefix.newBuilder()
                .setPrefix(prefix.getLower().withoutPrefixLength().toCanonicalString())
                .setPrefixLen(prefixLength(prefix))
                .build());
        Path.Builder path = Path.newBuilder().setNlri(nlri).addPattrs(ORIGIN).setIsWithdraw(withdraw);
        if (prefix.isIPv6()) {
            path.setFamily(IPV6_UNICAST).addPattrs(Any.pack(MpReachNLRIAttribute.newBuilder()
                    .setFamily(IPV6_UNICAST).addNextHops(NEXT_HOP_SELF_V6).addNlris(nlri).build()));
        } else {
            path.setFamily(IPV4_UNICAST).addPattrs(NEXT_HOP_SELF_V4);
        }
        return path.build();
    }

    static int prefixLength(IPAddress prefix) {
        Integer len = prefix.getNetworkPrefixLength();
        return len == null ? prefix.getBitCount() : len;
    }

    /** The prefix of a path gobgpd reports, from its IPAddressPrefix NLRI; empty for other NLRI types. */
    static Optional<IPAddress> prefixOf(Path path) {
        if (!path.getNlri().is(IPAddressPrefix.class)) {
            return Optional.empty();
        }
        try {
            IPAddressPrefix p = path.getNlri().unpack(IPAddressPrefix.class);
            return parsePrefix(p.getPrefix() + "/" + p.getPrefixLen());
        } catch (InvalidProtocolBufferException e) {
            return Optional.empty();
        }
    }

    static SessionState sessionState(PeerState.SessionState s) {
        switch (s) {
            case CONNECT:
                return SessionState.CONNECT;
            case ACTIVE:
                return SessionState.ACTIVE;
            case OPENSENT:
                return SessionState.OPEN_SENT;
            case OPENCONFIRM:
                return SessionState.OPEN_CONFIRM;
            case ESTABLISHED:
                return SessionState.ESTABLISHED;
            default:
                return SessionState.IDLE; // IDLE, UNKNOWN and values newer than this file
        }
    }

    /**
     * The peer's timers in gobgpd's terms (docs/bgp-policy.md, "Timers and BFD"). gobgpd sends KEEPALIVEs at the
     * configured interval, so "a third of the hold time" is computed from the hold time Herald offers; without a
     * connect retry gobgpd retries every {@value #CONNECT_RETRY_SECONDS} s.
     */
    static TimersConfig timers(PeerTimers t) {
        int hold = t.holdTimeSeconds();
        return TimersConfig.newBuilder()
                .setConnectRetry(t.connectRetrySeconds() > 0 ? t.connectRetrySeconds() : CONNECT_RETRY_SECONDS)
                .setHoldTime(hold)
                .setKeepaliveInterval(t.keepaliveSeconds(hold)).build();
    }

    /** A peer's status from what ListPeer reported about it; the config is Herald's own. */
    static PeerStatus status(PeerConfig config, Peer reported) {
        PeerState state = reported.getState();
        SessionState session = sessionState(state.getSessionState());
        Optional<Instant> since = Optional.empty();
        if (session == SessionState.ESTABLISHED && reported.getTimers().getState().hasUptime()) {
            since = Optional.of(instant(reported.getTimers().getState().getUptime()));
        }
        Family family = config.key().isIPv6() ? IPV6_UNICAST : IPV4_UNICAST;
        long sent = 0;
        long received = 0;
        for (AfiSafi a : reported.getAfiSafisList()) {
            AfiSafiState s = a.getState();
            Family f = s.hasFamily() ? s.getFamily() : a.getConfig().getFamily();
            if (f.equals(family)) {
                sent = s.getAdvertised();
                received = s.getReceived();
            }
        }
        if (session != SessionState.ESTABLISHED) {
            sent = 0; // gobgpd counts what it would send; Herald reports what the peer holds
        } else if (countsEndOfRib(reported)) {
            sent = Math.max(0, sent - 1);
        }
        OptionalInt hold = session == SessionState.ESTABLISHED
                ? OptionalInt.of((int) reported.getTimers().getState().getNegotiatedHoldTime()) : OptionalInt.empty();
        return new PeerStatus(config, session, since, state.getMessages().getSent().getTotal(),
                state.getMessages().getReceived().getTotal(), sent, received, counters(state, session), hold,
                Optional.empty());
    }

    /**
     * gobgpd's message counters in the api's terms. Its API has no NOTIFICATION codes, so those maps stay empty
     * (docs/metrics.md); it counts "flops", the times an Established session went down, so the transitions to
     * Established are those plus the one under way.
     */
    static PeerCounters counters(PeerState state, SessionState session) {
        return new PeerCounters(byType(state.getMessages().getSent()), byType(state.getMessages().getReceived()),
                Map.of(), Map.of(), state.getFlops() + (session == SessionState.ESTABLISHED ? 1 : 0));
    }

    private static Map<PeerCounters.MessageType, Long> byType(Message m) {
        return Map.of(PeerCounters.MessageType.OPEN, m.getOpen(), PeerCounters.MessageType.UPDATE, m.getUpdate(),
                PeerCounters.MessageType.NOTIFICATION, m.getNotification(),
                PeerCounters.MessageType.KEEPALIVE, m.getKeepalive(),
                PeerCounters.MessageType.ROUTE_REFRESH, m.getRefresh());
    }

    /**
     * Whether gobgpd 3.x counts an End-of-RIB marker among a family's advertised paths: ListPeer counts what
     * getBestFromLocal returns, which adds one marker per family once graceful restart is in use on the session
     * (configured here and offered by the peer in its OPEN). goBGP 4 no longer does.
     */
    static boolean countsEndOfRib(Peer reported) {
        if (!reported.getGracefulRestart().getEnabled()) {
            return false;
        }
        for (Any cap : reported.getState().getRemoteCapList()) {
            if (cap.getTypeUrl().endsWith("/apipb.GracefulRestartCapability")) {
                return true;
            }
        }
        return false;
    }

    /** A peer gobgpd does not report (not added yet, or the daemon is restarting): Idle, nothing counted. */
    static PeerStatus idle(PeerConfig config) {
        return new PeerStatus(config, SessionState.IDLE, Optional.empty(), 0, 0, 0, 0);
    }

    static Instant instant(Timestamp t) {
        return Instant.ofEpochSecond(t.getSeconds(), t.getNanos());
    }
}
