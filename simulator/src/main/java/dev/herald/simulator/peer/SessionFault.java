package dev.herald.simulator.peer;

import dev.herald.bgp.message.NotificationMessage;
import java.util.Objects;
import java.util.Optional;

/**
 * A fault an emulated peer injects into its Established sessions ({@link EmulatedPeer#inject}).
 *
 * @param notification the NOTIFICATION to send, for {@link Kind#NOTIFICATION}
 */
public record SessionFault(Kind kind, Optional<NotificationMessage> notification) {
    /** What the fault does: see {@link EmulatedPeer#inject}. */
    public enum Kind { DROP, NOTIFICATION, STOP_READING, RESUME_READING, MALFORMED_UPDATE }

    public static final SessionFault DROP = new SessionFault(Kind.DROP, Optional.empty());
    public static final SessionFault STOP_READING = new SessionFault(Kind.STOP_READING, Optional.empty());
    public static final SessionFault RESUME_READING = new SessionFault(Kind.RESUME_READING, Optional.empty());
    public static final SessionFault MALFORMED_UPDATE = new SessionFault(Kind.MALFORMED_UPDATE, Optional.empty());

    public SessionFault {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(notification, "notification");
        if ((kind == Kind.NOTIFICATION) != notification.isPresent()) {
            throw new IllegalArgumentException("a NOTIFICATION goes with the NOTIFICATION fault, and only with it");
        }
    }

    /** Sends NOTIFICATION {@code code}/{@code subcode}, which ends the session. */
    public static SessionFault notification(int code, int subcode) {
        return new SessionFault(Kind.NOTIFICATION, Optional.of(new NotificationMessage(code, subcode)));
    }
}
