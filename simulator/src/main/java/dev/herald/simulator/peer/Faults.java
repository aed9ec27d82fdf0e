package dev.herald.simulator.peer;

import dev.herald.bgp.message.BgpMessage;
import dev.herald.bgp.message.PathAttribute;
import dev.herald.bgp.session.BgpConnection;
import dev.herald.bgp.session.CloseReason;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.util.Map;
import java.util.function.BiConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The faults an emulated peer injects into its Established sessions. */
final class Faults {
    /** The peer's logger, which these lines had before the split: log settings keep applying to them. */
    private static final Logger LOG = LoggerFactory.getLogger(EmulatedPeer.class);
    private final EmulatedPeer peer;
    private final String name;
    private final Map<RemoteId, RemoteSession> remotes;

    Faults(EmulatedPeer peer) {
        this.peer = peer;
        this.name = peer.name();
        this.remotes = peer.remotes;
    }

    /**
     * Injects a fault into the Established sessions with {@code remotes}; returns how many it touched.
     *
     * <ul>
     *   <li>{@link SessionFault#DROP}: closes the TCP connection without a NOTIFICATION.
     *   <li>{@link SessionFault#notification}: sends the NOTIFICATION, which ends the session.
     *   <li>{@link SessionFault#STOP_READING}: freezes the session: nothing is read from the socket and no KEEPALIVE
     *       is sent, so the remote's writes back up and its hold timer runs out. This peer does not time out
     *       meanwhile. What arrived is read at {@link SessionFault#RESUME_READING}, except that a remote closing the
     *       connection is noticed at once on epoll (Netty reads on hang-up), with its NOTIFICATION.
     *   <li>{@link SessionFault#MALFORMED_UPDATE}: sends an UPDATE whose total path attribute length runs past the
     *       end of the message. RFC 4271 §6.3 and RFC 7606 §4 make the receiver answer NOTIFICATION 3/1 (malformed
     *       attribute list) and close: see {@link #lastNotificationReceived}.
     * </ul>
     */
    int inject(SessionFault fault, Remotes remotes) {
        return switch (fault.kind()) {
            case DROP -> onSessions(remotes, "drop sessions", (r, s) -> s.close(CloseReason.local(null,
                    "fault injected by emulated peer " + name + ": TCP closed without a NOTIFICATION")));
            case NOTIFICATION -> onSessions(remotes, "send a NOTIFICATION", (r, s) -> s.close(CloseReason.local(
                    fault.notification().orElseThrow(), "fault injected by emulated peer " + name)));
            case STOP_READING -> onSessions(remotes, "stop reading", (r, s) -> {
                r.watcher.freeze();
                LOG.info("Emulated peer {}: stopped reading from {} and sending it KEEPALIVEs", name, r.who());
            });
            case RESUME_READING -> onSessions(remotes, "resume reading", (r, s) -> {
                r.watcher.thaw();
                LOG.info("Emulated peer {}: reading from {} again", name, r.who());
            });
            case MALFORMED_UPDATE -> onSessions(remotes, "send a malformed UPDATE", (r, s) -> {
                LOG.info("Emulated peer {}: sending {} an UPDATE with a path attribute length beyond the message",
                        name, r.who());
                s.channel().writeAndFlush(malformedUpdate(s.channel().alloc()));
            });
        };
    }

    private int onSessions(Remotes only, String what, BiConsumer<RemoteSession, BgpConnection> action) {
        return peer.call(what, () -> {
            int n = 0;
            for (RemoteSession r : remotes.values()) {
                if (only.matches(r.address, r.routerId) && r.sessionUp && r.connection != null) {
                    action.accept(r, r.connection);
                    n++;
                }
            }
            if (n == 0) {
                LOG.warn("Emulated peer {}: cannot {}: no Established session{}", name, what,
                        only.one().map(id -> " with " + id).orElse(""));
            }
            return n;
        });
    }

    /** An UPDATE whose total path attribute length (255) runs past the 4 attribute bytes that follow. */
    static ByteBuf malformedUpdate(ByteBufAllocator alloc) {
        ByteBuf b = alloc.buffer(27);
        for (int i = 0; i < 16; i++) {
            b.writeByte(0xFF);
        }
        b.writeShort(27);
        b.writeByte(BgpMessage.UPDATE);
        b.writeShort(0); // no withdrawn routes
        b.writeShort(255); // total path attribute length: only 4 bytes follow
        b.writeBytes(new byte[] {0x40, PathAttribute.ORIGIN, 1, 0});
        return b;
    }
}
