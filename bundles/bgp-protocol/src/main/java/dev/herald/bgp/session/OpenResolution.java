package dev.herald.bgp.session;

import dev.herald.bgp.codec.MalformedMessage;
import dev.herald.bgp.message.BgpMessage;
import dev.herald.bgp.message.NotificationMessage;
import dev.herald.bgp.message.OpenMessage;
import dev.herald.bgp.transport.Transport;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What {@link BgpListener} does with the first message of a connection it resolves at OPEN: asks the
 * {@link OpenResolver} and hands the connection to the peer it picks, or sends its refusal. A first message that is
 * no OPEN is answered (RFC 4271 §6.1, §8.2.2) and the connection closed; a remote that sends nothing for
 * {@link #OPEN_WAIT_SECONDS} is dropped. Event loop only.
 */
final class OpenResolution implements OpenHold.FirstMessage {
    private static final Logger LOG = LoggerFactory.getLogger(BgpListener.class);
    /** A remote that connected but sends no OPEN is dropped after this: we send ours only after theirs. */
    static final int OPEN_WAIT_SECONDS = 30;
    private final OpenResolver resolver;
    private final Transport transport;

    OpenResolution(OpenResolver resolver, Transport transport) {
        this.resolver = resolver;
        this.transport = transport;
    }

    /** Event loop: puts the hold on an accepted connection and starts waiting for the remote's OPEN. */
    void accepted(Channel ch) {
        OpenHold hold = new OpenHold(this);
        ch.pipeline().addLast(hold);
        ch.eventLoop().schedule(() -> {
            if (!hold.decided() && ch.isActive()) {
                LOG.warn("{} connected but sent no OPEN within {} s; closing (a listener that resolves peers at "
                        + "OPEN sends its own OPEN after the remote's)", text(ch), OPEN_WAIT_SECONDS);
                ch.close();
            }
        }, OPEN_WAIT_SECONDS, TimeUnit.SECONDS);
    }

    @Override
    public void firstMessage(ChannelHandlerContext ctx, OpenHold hold, Object message) {
        Channel ch = ctx.channel();
        if (message instanceof OpenMessage open) {
            OpenDecision decision = decide((InetSocketAddress) ch.remoteAddress(), open);
            if (decision.peer() == null) {
                refuse(ch, decision.refusal(), "refused at OPEN");
                return;
            }
            transport.prepareSession(ch, decision.peer().endpoint().ttl());
            hold.handTo(ctx, decision.peer());
            return;
        }
        if (message instanceof NotificationMessage n) {
            LOG.warn("{} sent {} before its OPEN; connection closed", text(ch), n);
            ch.close();
            return;
        }
        if (message instanceof MalformedMessage m) {
            refuse(ch, m.notification(), m.reason());
        } else {
            refuse(ch, new NotificationMessage(NotificationMessage.FSM_ERROR, 1),
                    "first message is of type " + ((BgpMessage) message).type() + ", not OPEN");
        }
    }

    private OpenDecision decide(InetSocketAddress remote, OpenMessage open) {
        try {
            OpenDecision d = resolver.resolve(remote, open);
            return d != null ? d : OpenDecision.reject();
        } catch (RuntimeException e) {
            LOG.warn("Resolving the OPEN of {} failed", remote, e);
            return OpenDecision.reject();
        }
    }

    private static void refuse(Channel ch, NotificationMessage reply, String why) {
        LOG.warn("Closing the connection from {}: {}; sending {}", text(ch), why, reply);
        OpenHold.sendAndClose(ch, reply);
    }

    private static String text(Channel ch) {
        InetSocketAddress a = (InetSocketAddress) ch.remoteAddress();
        return a == null ? "a remote" : a.getAddress().getHostAddress() + ":" + a.getPort();
    }
}
