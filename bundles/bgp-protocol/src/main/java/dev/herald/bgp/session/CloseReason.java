package dev.herald.bgp.session;

import dev.herald.bgp.message.NotificationMessage;
import java.util.Objects;
import java.util.Optional;
import org.osgi.annotation.versioning.ProviderType;

/**
 * Why a connection or session ended: what kind of end, the NOTIFICATION that went with it (the one we sent, or for
 * {@link Kind#NOTIFICATION_RECEIVED} the peer's), and a detail for people. {@link #text()} is what status and logs
 * show.
 *
 * @param notification sent by us, or received for {@link Kind#NOTIFICATION_RECEIVED}; empty when the connection
 *     closed without one
 */
@ProviderType
public record CloseReason(Kind kind, Optional<NotificationMessage> notification, String detail) {
    /** The kinds of end. */
    public enum Kind {
        /** This speaker's user ended it: a stop, a reset, a configuration change, a limit. */
        LOCAL,
        /** The peer sent a NOTIFICATION. */
        NOTIFICATION_RECEIVED,
        /** The peer sent a message that does not decode; we answered with the decoder's NOTIFICATION. */
        MALFORMED_MESSAGE,
        /** A message the state machine does not expect now (RFC 4271 §6.6). */
        FSM_ERROR,
        /** The peer's OPEN is unacceptable: its hold time, AS or BGP identifier (RFC 4271 §6.2). */
        OPEN_REJECTED,
        HOLD_TIMER_EXPIRED,
        /** Connection collision resolution (RFC 4271 §6.8). */
        COLLISION,
        /** A new connection of a peer that restarted replaces the session (RFC 4724 §4.2). */
        PEER_RESTARTED,
        /** The TCP connection closed without a NOTIFICATION. */
        CONNECTION_CLOSED,
        /** The TCP connection failed. */
        CONNECTION_ERROR,
        /** No connection came about: no socket, or the connect failed. */
        CONNECT_FAILED
    }

    public CloseReason {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(notification, "notification");
        Objects.requireNonNull(detail, "detail");
    }

    /** Ended by this speaker's user, with {@code notification} first unless it is null (a silent close). */
    public static CloseReason local(NotificationMessage notification, String detail) {
        return new CloseReason(Kind.LOCAL, Optional.ofNullable(notification), detail);
    }

    /** A collision resolved against this connection: it closes with Cease, connection collision resolution. */
    public static CloseReason collision(String detail) {
        return new CloseReason(Kind.COLLISION, Optional.of(new NotificationMessage(NotificationMessage.CEASE,
                NotificationMessage.CONNECTION_COLLISION_RESOLUTION)), detail);
    }

    static CloseReason of(Kind kind, NotificationMessage notification, String detail) {
        return new CloseReason(kind, Optional.ofNullable(notification), detail);
    }

    /** The NOTIFICATION to send before closing: none when the peer sent one. */
    public Optional<NotificationMessage> toSend() {
        return kind == Kind.NOTIFICATION_RECEIVED ? Optional.empty() : notification;
    }

    /** For status and logs. */
    public String text() {
        return switch (kind) {
            case NOTIFICATION_RECEIVED -> "peer sent " + notification.map(String::valueOf).orElse("a NOTIFICATION");
            case MALFORMED_MESSAGE -> "received a malformed message: " + detail;
            default -> detail;
        };
    }

    @Override
    public String toString() {
        return text();
    }
}
