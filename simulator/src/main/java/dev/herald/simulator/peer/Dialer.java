package dev.herald.simulator.peer;

import dev.herald.bgp.session.Backoff;
import dev.herald.bgp.session.OpenHold;
import dev.herald.bgp.transport.Transport;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelException;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.util.concurrent.ScheduledFuture;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The active side of an emulated peer: connects to each agent of its {@code connectTo} it has no connection with,
 * backing off (1 s doubling to 30 s) while one refuses. Event loop only.
 */
final class Dialer {
    /** The peer's logger, which these lines had before the split: log settings keep applying to them. */
    private static final Logger LOG = LoggerFactory.getLogger(EmulatedPeer.class);
    /** How often an active peer looks for agents it has no connection with. */
    static final long RECONNECT_MILLIS = 1000;
    /** The wait between two connection attempts to an agent that does not take them: 1 s doubling to 30 s. */
    static final Backoff DIAL_BACKOFF = new Backoff(Duration.ofMillis(RECONNECT_MILLIS), Duration.ofSeconds(30),
            false);
    private final EmulatedPeer peer;
    private final String name;
    private final EmulatedPeerConfig config;
    private final EventLoop loop;
    private final Transport transport;
    private final OpenHandoff handoff;
    private ScheduledFuture<?> connector;
    private final Map<InetSocketAddress, Channel> dialing = new HashMap<>();
    /** Per agent: {attempts, last attempt, next attempt} in nanoTime. */
    private final Map<InetSocketAddress, long[]> dialBackoff = new HashMap<>();

    Dialer(EmulatedPeer peer, OpenHandoff handoff) {
        this.peer = peer;
        this.name = peer.name();
        this.config = peer.config();
        this.loop = peer.loop;
        this.transport = peer.transport;
        this.handoff = handoff;
    }

    /** Stops dialing and closes the connections under way. */
    void stop() {
        if (connector != null) {
            connector.cancel(false);
            connector = null;
        }
        dialing.values().forEach(Channel::close);
        dialing.clear();
    }

    /** Starts dialing, when the peer is active and listening. */
    void start() {
        if (config.active() && peer.listening && connector == null) {
            connector = loop.scheduleWithFixedDelay(this::dialAll, 0, RECONNECT_MILLIS, TimeUnit.MILLISECONDS);
        }
    }

    /** Event loop: connects to each agent it has no connection with, backing off while one refuses. */
    private void dialAll() {
        long now = System.nanoTime();
        for (InetSocketAddress target : config.connectTo()) {
            // attempts since the session was last up, when the last went, when the next may
            long[] b = dialBackoff.computeIfAbsent(target, t -> new long[] {0, now, now});
            if (dialing.containsKey(target) || connectedTo(target)) {
                continue;
            }
            OptionalLong up = lastEstablished(target);
            if (up.isPresent() && up.getAsLong() - b[1] > 0) {
                b[0] = 0; // Established since our last attempt: the agent takes connections, start over
                b[2] = now;
            }
            if (now - b[2] >= 0) {
                long wait = DIAL_BACKOFF.delayMillis((int) Math.min(b[0], 20), 0);
                b[0]++;
                b[1] = now;
                b[2] = now + TimeUnit.MILLISECONDS.toNanos(wait);
                dial(target);
            }
        }
    }

    /**
     * Event loop: some connection is open or a session is up with the agent at {@code target}. On an address of its
     * own, any connection from it counts. On {@code ::1}, which agents share, the agent listening on a port is known
     * once a connection we opened to it got its OPEN; until then, agents that connected by themselves may be the ones
     * listening there, and dialing one of them would make it take the second connection for our restart, so a
     * target not known yet is left alone while as many unknown agents are connected as there are such targets.
     */
    private boolean connectedTo(InetSocketAddress target) {
        boolean shared = RemoteId.shared(target.getAddress());
        for (Channel c : handoff.unopened) {
            InetSocketAddress a = (InetSocketAddress) c.remoteAddress();
            if (a != null && (shared ? a.equals(target) : a.getAddress().equals(target.getAddress()))) {
                return true;
            }
        }
        if (!shared) {
            return peer.remotes.values().stream().anyMatch(r -> r.address.equals(target.getAddress()) && r.busy());
        }
        RemoteId known = handoff.agentAt.get(target);
        if (known != null) {
            RemoteSession r = peer.remotes.get(known);
            return r != null && r.busy();
        }
        long unknownConnected = peer.remotes.values().stream().filter(r -> RemoteId.shared(r.address) && r.busy()
                && !handoff.agentAt.containsValue(r.key)).count();
        long unknownTargets = config.connectTo().stream().filter(t -> RemoteId.shared(t.getAddress())
                && !handoff.agentAt.containsKey(t)).count();
        return unknownConnected >= unknownTargets;
    }

    /** Event loop: when a session with the agent at {@code target} last came up (as in {@link #connectedTo}). */
    private OptionalLong lastEstablished(InetSocketAddress target) {
        if (RemoteId.shared(target.getAddress())) {
            RemoteId known = handoff.agentAt.get(target);
            RemoteSession r = known != null ? peer.remotes.get(known) : null;
            return r != null && r.sessionEverUp ? OptionalLong.of(r.establishedAtNanos) : OptionalLong.empty();
        }
        return peer.remotes.values().stream().filter(r -> r.sessionEverUp && r.address.equals(target.getAddress()))
                .mapToLong(r -> r.establishedAtNanos).reduce((x, y) -> x - y > 0 ? x : y);
    }

    private void dial(InetSocketAddress target) {
        Bootstrap b = new Bootstrap().group(loop).channel(transport.socketChannel())
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 3000)
                .option(ChannelOption.TCP_NODELAY, true)
                .handler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        ch.pipeline().addLast(new OpenHold((ctx, hold, m) -> handoff.firstMessage(ctx, hold, m, true)));
                    }
                });
        ChannelFuture reg = b.register();
        Channel ch = reg.channel();
        if (reg.cause() != null) {
            LOG.warn("Emulated peer {}: cannot create a socket to {}: {}", name, AddressText.of(target),
                    reg.cause().getMessage());
            return;
        }
        if (config.md5Password().isPresent()) {
            try {
                transport.setMd5Keys(ch, Map.of(target.getAddress(),
                        Transport.md5Key(config.md5Password().get())));
            } catch (ChannelException e) {
                LOG.warn("Emulated peer {}: cannot set the TCP-MD5 key toward {}: {}", name, AddressText.of(target),
                        e.getMessage());
                ch.close();
                return;
            }
        }
        dialing.put(target, ch);
        ch.connect(target, new InetSocketAddress(config.address(), 0)).addListener(f -> {
            dialing.remove(target, ch);
            if (f.isSuccess() && peer.listening) {
                handoff.link(ch);
            } else {
                ch.close();
                if (f.cause() != null) {
                    LOG.debug("Emulated peer {}: connecting to {} failed: {}", name, AddressText.of(target),
                            f.cause().getMessage());
                }
            }
        });
    }
}
