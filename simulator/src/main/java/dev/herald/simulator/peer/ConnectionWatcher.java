package dev.herald.simulator.peer;

import dev.herald.bgp.message.KeepaliveMessage;
import dev.herald.bgp.message.NotificationMessage;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Sits between a connection's codec and its state machine (the kit's {@link dev.herald.bgp.session.SessionTap}): sees the NOTIFICATIONs going either way (graceful
 * restart treats a session that ended with one differently), and freezes the connection on command.
 */
final class ConnectionWatcher extends ChannelDuplexHandler {
    private final Consumer<NotificationMessage> onReceived;
    private final Consumer<NotificationMessage> onSent;
    private volatile boolean notified;
    private ChannelHandlerContext ctx;
    private boolean frozen;
    private ScheduledFuture<?> feeder;

    ConnectionWatcher(Consumer<NotificationMessage> onReceived, Consumer<NotificationMessage> onSent) {
        this.onReceived = onReceived;
        this.onSent = onSent;
    }

    /** Whether a NOTIFICATION went either way on this connection. */
    boolean notificationExchanged() {
        return notified;
    }

    boolean frozen() {
        return frozen;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext context) {
        ctx = context;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof NotificationMessage n) {
            notified = true;
            onReceived.accept(n);
        }
        ctx.fireChannelRead(msg);
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        if (msg instanceof NotificationMessage n) {
            notified = true;
            onSent.accept(n);
        } else if (frozen && msg instanceof KeepaliveMessage) {
            promise.trySuccess(); // a wedged router sends nothing
            return;
        }
        ctx.write(msg, promise);
    }

    /**
     * Stops reading and sending KEEPALIVEs, like a wedged router process whose kernel still holds the connection: the
     * remote's hold timer runs out and its writes back up. Our own hold timer is fed meanwhile, so that it is the
     * remote that gives up. Event loop only.
     */
    void freeze() {
        if (frozen) {
            return;
        }
        frozen = true;
        ctx.channel().config().setAutoRead(false);
        feeder = ctx.executor().scheduleAtFixedRate(() -> ctx.fireChannelRead(KeepaliveMessage.INSTANCE),
                1, 1, TimeUnit.SECONDS);
    }

    void thaw() {
        if (!frozen) {
            return;
        }
        frozen = false;
        if (feeder != null) {
            feeder.cancel(false);
        }
        ctx.channel().config().setAutoRead(true);
        ctx.read();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        if (feeder != null) {
            feeder.cancel(false);
        }
        super.channelInactive(ctx);
    }
}
