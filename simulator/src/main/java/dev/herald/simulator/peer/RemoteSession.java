package dev.herald.simulator.peer;

import static dev.herald.bgp.message.NotificationMessage.CEASE;

import dev.herald.bgp.message.Afi;
import dev.herald.bgp.message.BgpMessage;
import dev.herald.bgp.message.Capability;
import dev.herald.bgp.message.NotificationMessage;
import dev.herald.bgp.message.PathAttribute;
import dev.herald.bgp.message.UpdateMessage;
import dev.herald.bgp.session.BgpConnection;
import dev.herald.bgp.session.BgpPeer;
import dev.herald.bgp.session.CloseReason;
import dev.herald.bgp.session.FsmState;
import dev.herald.bgp.session.PeerEndpoint;
import dev.herald.bgp.session.SessionConfig;
import io.netty.channel.Channel;
import io.netty.channel.EventLoop;
import io.netty.util.concurrent.ScheduledFuture;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Instant;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One remote speaker of an emulated peer (see {@link RemoteId}): its session, and the graceful-restart state of its
 * routes as the receiving side of RFC 4724 keeps them.
 */
final class RemoteSession implements BgpPeer.Listener {
    /** The peer's logger, which these lines had before the split: log settings keep applying to them. */
    private static final Logger LOG = LoggerFactory.getLogger(EmulatedPeer.class);
    /** Stale routes of a remote that came back but never sent End-of-RIB go after this (FRR's default). */
    static final int STALE_PATH_SECONDS = 360;
    private final EmulatedPeer owner;
    private final String name;
    private final EmulatedPeerConfig config;
    private final LearnedRoutes rib;
    private final EventLoop loop;
    final RemoteId key;
    final InetAddress address;
    /** Connections handed to the session and still open. Event loop only. */
    final Set<Channel> links = new HashSet<>();
    final Set<Afi> endOfRib = ConcurrentHashMap.newKeySet();
    volatile BgpPeer bgp;
    volatile boolean sessionUp;
    volatile Instant establishedAt;
    long establishedAtNanos;
    boolean sessionEverUp;
    volatile long asn;
    volatile String routerId;
    /** The remote end of the last Established session's connection. */
    volatile InetSocketAddress sessionRemote;
    volatile Set<Afi> families = Set.of();
    volatile boolean grNegotiated;
    volatile NotificationMessage lastReceived;
    volatile NotificationMessage lastSent;
    /** The Established connection. */
    BgpConnection connection;
    ConnectionWatcher watcher;
    Capability.GracefulRestart peerGr;
    /** Our own graceful restart ended the last session: the remote's forwarding bit does not matter then. */
    boolean ownRestart;
    ScheduledFuture<?> staleTimer;

    RemoteSession(EmulatedPeer owner, RemoteId key) {
        this.owner = owner;
        this.name = owner.name();
        this.config = owner.config();
        this.rib = owner.rib;
        this.loop = owner.loop;
        this.key = key;
        this.address = key.address();
        this.routerId = key.routerId().orElse("");
    }

    /** A session is up, or a connection of it is being set up. */
    boolean busy() {
        return sessionUp || !links.isEmpty();
    }

    String who() {
        return AddressText.of(address) + " (AS " + asn + (RemoteId.shared(address) ? ", router ID " + routerId
                : "") + ")";
    }

    SessionInfo info() {
        boolean up = sessionUp;
        BgpPeer b = bgp;
        FsmState state = up ? FsmState.ESTABLISHED : b != null ? b.state() : FsmState.IDLE;
        if (!up && state == FsmState.ESTABLISHED) {
            state = FsmState.IDLE; // the peer object lags our own bookkeeping by a moment
        }
        return new SessionInfo(address, asn, routerId, state, Optional.ofNullable(up ? establishedAt : null),
                families, Set.copyOf(endOfRib), grNegotiated, rib.staleCount(key));
    }

    /** The session for a remote announcing {@code remoteAsn}: the current one, or a new one if that changed. */
    BgpPeer peerFor(long remoteAsn, InetSocketAddress from) {
        SessionConfig sc = owner.sessionConfig(remoteAsn);
        if (bgp != null) {
            if (bgp.config().equals(sc) || (sessionUp && bgp.config().peerAsn() == remoteAsn)) {
                return bgp;
            }
            LOG.info("Emulated peer {}: new session settings for {} (AS {}, restart bit {})", name,
                    who(), remoteAsn, sc.restarting());
            bgp.stop(CloseReason.local(sessionUp ? new NotificationMessage(CEASE,
                    NotificationMessage.OTHER_CONFIGURATION_CHANGE) : null, "remote " + who() + " now announces AS "
                    + remoteAsn));
        }
        asn = remoteAsn;
        PeerEndpoint ep = new PeerEndpoint(from, Optional.of(config.address()), 1, Optional.empty(), true);
        // the watcher sits between codec and state machine: it sees the NOTIFICATIONs and can freeze the session
        bgp = new BgpPeer(sc, ep, loop, owner.transport, this,
                (ch, outgoing) -> new ConnectionWatcher(this::notificationReceived, this::notificationSent));
        bgp.start();
        return bgp;
    }

    void notificationReceived(NotificationMessage n) {
        lastReceived = n;
        owner.lastReceivedFrom.put(address, n);
        LOG.info("Emulated peer {}: {} sent {}", name, who(), n);
    }

    void notificationSent(NotificationMessage n) {
        lastSent = n;
        owner.lastSentTo.put(address, n);
    }

    @Override
    public void established(BgpPeer peer, BgpConnection s) {
        if (sessionUp) {
            sessionDown("replaced by a new connection");
        }
        var n = s.negotiated();
        connection = s;
        watcher = s.channel().pipeline().get(ConnectionWatcher.class);
        asn = n.peerOpen().asn();
        routerId = n.peerOpen().bgpIdentifierText();
        sessionRemote = (InetSocketAddress) s.channel().remoteAddress();
        families = n.families();
        endOfRib.clear();
        peerGr = n.peerGracefulRestart();
        grNegotiated = config.gracefulRestart() && peerGr != null;
        if (grNegotiated) {
            // RFC 4724 §2: End-of-RIB once the initial update is done; an emulated router originates nothing,
            // so at once. A restarting remote (gobgpd) holds its own updates back until it has this.
            for (Afi afi : families) {
                s.write(UpdateMessage.endOfRib(afi));
            }
            s.flush();
        }
        establishedAt = Instant.now();
        establishedAtNanos = System.nanoTime();
        sessionEverUp = true;
        cancelStaleTimer();
        int stale = rib.staleCount(key);
        if (stale > 0 && !ownRestart) {
            // RFC 4724 §4.2: only families the new OPEN says kept forwarding keep their stale routes
            for (Afi afi : Afi.values()) {
                if (!forwardingPreserved(peerGr, afi)) {
                    int gone = rib.removeStale(key, afi, establishedAt, "remote came back without "
                            + "forwarding state for " + afi + " (RFC 4724 §4.2)");
                    if (gone > 0) {
                        LOG.info("Emulated peer {}: {} came back without the forwarding-state bit for {}; "
                                + "removed its {} stale routes of that family", name, who(), afi, gone);
                    }
                }
            }
        }
        ownRestart = false;
        if (rib.staleCount(key) > 0) {
            staleTimer = loop.schedule(() -> {
                int gone = rib.removeStale(key, null, Instant.now(), "no End-of-RIB within "
                        + STALE_PATH_SECONDS + " s of the session's return");
                LOG.warn("Emulated peer {}: {} sent no End-of-RIB within {} s; removed its {} stale routes",
                        name, who(), STALE_PATH_SECONDS, gone);
            }, STALE_PATH_SECONDS, TimeUnit.SECONDS);
        }
        sessionUp = true;
        LOG.info("Emulated peer {}: session with {}, router ID {} Established ({}, families {}, graceful "
                + "restart {})", name, who(), routerId,
                s.outgoing() ? "we connected" : "it connected", families,
                grNegotiated ? "negotiated" : "off");
        owner.signal();
    }

    @Override
    public void received(BgpPeer peer, BgpConnection s, BgpMessage message) {
        if (message instanceof UpdateMessage u) {
            onUpdate(u);
        }
    }

    private void onUpdate(UpdateMessage u) {
        Instant now = Instant.now();
        Optional<Afi> eor = u.endOfRibFamily();
        if (eor.isPresent()) {
            endOfRib.add(eor.get());
            int gone = rib.removeStale(key, eor.get(), now, "still stale at End-of-RIB");
            if (gone > 0) {
                LOG.info("Emulated peer {}: End-of-RIB for {} from {}: removed {} stale routes it did not "
                        + "announce again", name, eor.get(), who(), gone);
            }
            if (rib.staleCount(key) == 0) {
                cancelStaleTimer();
            }
            return;
        }
        if (u.treatAsWithdraw().isPresent()) {
            LOG.warn("Emulated peer {}: malformed UPDATE from {}; its prefixes are treated as withdrawn "
                    + "(RFC 7606): {}", name, who(), u.treatAsWithdraw().get());
        }
        rib.withdraw(key, routerId, u.withdrawnAll(), now, u.treatAsWithdraw()
                .map(w -> "treat-as-withdraw: " + w)
                .orElse(RouteEvent.UPDATE));
        if (u.treatAsWithdraw().isEmpty()) {
            List<Long> path = u.asPathNumbers();
            InetAddress hop = u.attribute(PathAttribute.NextHop.class).map(PathAttribute.NextHop::inetAddress)
                    .orElse(null);
            rib.announce(key, routerId, asn, u.nlri(), hop, path, now);
            u.attribute(PathAttribute.MpReach.class).ifPresent(m -> rib.announce(key, routerId, asn,
                    m.nlri(), m.nextHopAddress().orElse(null), path, now));
        }
    }

    @Override
    public void writable(BgpPeer peer, BgpConnection s) {
    }

    @Override
    public void down(BgpPeer peer, CloseReason reason) {
        if (sessionUp) {
            sessionDown(reason.text());
        }
    }

    private void sessionDown(String reason) {
        sessionUp = false;
        boolean notified = watcher != null && watcher.notificationExchanged();
        Instant now = Instant.now();
        Set<Afi> keep = EnumSet.noneOf(Afi.class);
        if (grNegotiated && !notified) {
            for (Afi afi : Afi.values()) {
                if (peerGr.families().stream().anyMatch(f -> f.afi() == afi.code()
                        && f.safi() == Afi.SAFI_UNICAST)) {
                    keep.add(afi);
                }
            }
        }
        if (!keep.isEmpty()) {
            int stale = rib.markStale(key, keep, now, "family not in the remote's graceful-restart "
                    + "capability");
            int restartTime = peerGr.restartTimeSeconds();
            cancelStaleTimer();
            staleTimer = loop.schedule(() -> {
                int gone = rib.removeStale(key, null, Instant.now(), "restart timer (" + restartTime
                        + " s) expired");
                LOG.info("Emulated peer {}: {} did not come back within its restart time of {} s; removed its "
                        + "{} stale routes", name, who(), restartTime, gone);
            }, restartTime, TimeUnit.SECONDS);
            LOG.info("Emulated peer {}: session with {} down without a NOTIFICATION ({}); keeping its {} routes "
                    + "as stale for up to {} s (graceful restart)", name, who(), reason, stale, restartTime);
        } else {
            int gone = rib.removeAll(key, now, notified ? "session ended with a NOTIFICATION"
                    : "session down without graceful restart");
            LOG.info("Emulated peer {}: session with {} down ({}); removed its {} routes", name, who(), reason,
                    gone);
        }
        connection = null;
        watcher = null;
        owner.signal();
    }

    private void cancelStaleTimer() {
        if (staleTimer != null) {
            staleTimer.cancel(false);
            staleTimer = null;
        }
    }

    private static boolean forwardingPreserved(Capability.GracefulRestart gr, Afi afi) {
        return gr != null && gr.families().stream().anyMatch(f -> f.afi() == afi.code()
                && f.safi() == Afi.SAFI_UNICAST && f.forwardingPreserved());
    }
}
