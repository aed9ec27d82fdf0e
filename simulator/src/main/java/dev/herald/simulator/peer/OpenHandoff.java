package dev.herald.simulator.peer;

import dev.herald.bgp.codec.MalformedMessage;
import dev.herald.bgp.message.BgpMessage;
import dev.herald.bgp.message.NotificationMessage;
import dev.herald.bgp.message.OpenMessage;
import dev.herald.bgp.session.OpenHold;
import dev.herald.bgp.transport.Transport;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.EventLoop;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hands each connection of an emulated peer to the session of its remote: holds the connection until the remote's
 * OPEN says which speaker it is (the kit's {@link OpenHold}), then gives it to that remote's session, which resolves
 * collisions between our connection and theirs (RFC 4271 §6.8); answers a first message that is no OPEN. Event loop
 * only.
 */
final class OpenHandoff {
    /** The peer's logger, which these lines had before the split: log settings keep applying to them. */
    private static final Logger LOG = LoggerFactory.getLogger(EmulatedPeer.class);
    /** A remote that connected but sends no OPEN is dropped after this. */
    static final int OPEN_WAIT_SECONDS = 30;
    private final EmulatedPeer peer;
    private final String name;
    private final EmulatedPeerConfig config;
    private final EventLoop loop;
    private final Transport transport;
    /** Connections whose remote has not sent its OPEN yet (so which speaker it is is not known). */
    final Set<Channel> unopened = new HashSet<>();
    /** On {@code ::1}: which remote listens at an agent address we connected to (learned from its OPEN). */
    final Map<InetSocketAddress, RemoteId> agentAt = new HashMap<>();

    OpenHandoff(EmulatedPeer peer) {
        this.peer = peer;
        this.name = peer.name();
        this.config = peer.config();
        this.loop = peer.loop;
        this.transport = peer.transport;
    }

    /** Makes the listening socket take the password from any remote, else from the agents it connects to. */
    String installListenerKey(Channel s, String password) {
        byte[] key = Transport.md5Key(password);
        if (transport.setMd5KeyForAnyAddress(s, config.address(), key)) {
            return " with TCP-MD5 for any remote";
        }
        Map<InetAddress, byte[]> keys = new HashMap<>();
        config.connectTo().forEach(a -> keys.put(a.getAddress(), key));
        transport.setMd5Keys(s, keys);
        LOG.warn("Emulated peer {}: the kernel refused a TCP-MD5 key for every address (TCP_MD5SIG_EXT, Linux 4.13+); "
                + "only the agents in connectTo {} can connect with the password", name, keys.keySet());
        return " with TCP-MD5 for " + keys.size() + " agents";
    }

    /** Event loop: a connection a remote opened. */
    void accepted(Channel ch) {
        if (!peer.listening) {
            ch.close();
            return;
        }
        ch.pipeline().addLast(new OpenHold((ctx, hold, m) -> firstMessage(ctx, hold, m, false)));
        link(ch);
    }

    void link(Channel ch) {
        unopened.add(ch);
        ch.closeFuture().addListener(f -> unopened.remove(ch));
        loop.schedule(() -> {
            OpenHold s = ch.pipeline().get(OpenHold.class);
            if (s != null && !s.decided() && ch.isActive()) {
                LOG.warn("Emulated peer {}: {} connected but sent no OPEN within {} s; closing (this peer sends "
                        + "its own OPEN after the remote's)", name, AddressText.of(ch.remoteAddress()),
                        OPEN_WAIT_SECONDS);
                ch.close();
            }
        }, OPEN_WAIT_SECONDS, TimeUnit.SECONDS);
    }

    private RemoteSession remote(RemoteId key) {
        return peer.remotes.computeIfAbsent(key, k -> new RemoteSession(peer, k));
    }

    /** Event loop: the remote's first message on a connection ({@code outgoing}: one we opened). */
    void firstMessage(ChannelHandlerContext ctx, OpenHold hold, Object message, boolean outgoing) {
        Channel ch = ctx.channel();
        InetAddress from = ((InetSocketAddress) ch.remoteAddress()).getAddress();
        if (message instanceof OpenMessage open) {
            if (ch.isActive()) {
                handOff(ctx, hold, outgoing, remote(RemoteId.identity(from, open.bgpIdentifierText())), open);
            }
            return;
        }
        if (message instanceof NotificationMessage n) {
            peer.lastReceivedFrom.put(from, n);
            LOG.warn("Emulated peer {}: {} sent {} before its OPEN; connection closed", name,
                    AddressText.of(ch.remoteAddress()), n);
            ch.close();
            return;
        }
        NotificationMessage reply;
        String why;
        if (message instanceof MalformedMessage m) {
            reply = m.notification();
            why = m.reason();
        } else {
            reply = new NotificationMessage(NotificationMessage.FSM_ERROR, 1);
            why = "first message is of type " + ((BgpMessage) message).type() + ", not OPEN";
        }
        LOG.warn("Emulated peer {}: closing the connection from {}: {}; sending {}", name,
                AddressText.of(ch.remoteAddress()), why, reply);
        peer.lastSentTo.put(from, reply);
        OpenHold.sendAndClose(ch, reply);
    }

    private void handOff(ChannelHandlerContext ctx, OpenHold hold, boolean outgoing, RemoteSession r,
                         OpenMessage open) {
        Channel ch = ctx.channel();
        // the remote is known now: the connection moves to its links
        unopened.remove(ch);
        r.links.add(ch);
        ch.closeFuture().addListener(f -> r.links.remove(ch));
        if (outgoing) {
            agentAt.put((InetSocketAddress) ch.remoteAddress(), r.key);
        }
        // the session takes it as its own: a collision with our other connection is resolved there (RFC 4271 §6.8)
        hold.handTo(ctx, r.peerFor(open.asn(), (InetSocketAddress) ch.remoteAddress()), outgoing);
    }
}
